package ai.hesso.djl.discovery;

import java.util.Objects;

/**
 * One line of a discovery report: a block, parameter or group left unprunable, and why.
 *
 * @param subject the block path, parameter path or group name the finding is about
 * @param message why it is left unprunable
 */
public record Finding(String subject, String message) {

    /**
     * Validates the finding.
     *
     * @param subject what the finding is about, not null
     * @param message why, not null
     */
    public Finding {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return subject + ": " + message;
    }
}
