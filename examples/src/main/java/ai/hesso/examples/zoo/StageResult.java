package ai.hesso.examples.zoo;

import java.util.Objects;

/**
 * The verdict of one stage for one model.
 *
 * @param stage the stage
 * @param outcome the verdict
 * @param detail what was measured, or why it was refused, skipped or failed; one line
 */
public record StageResult(ZooStage stage, Outcome outcome, String detail) {

    /**
     * Validates the result and folds the detail onto one line.
     *
     * @param stage the stage
     * @param outcome the verdict
     * @param detail the detail
     */
    public StageResult {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(outcome, "outcome");
        detail = detail == null ? "" : detail.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
