package ai.hesso.core.identification;

import ai.hesso.core.Phase;
import java.util.Objects;

/**
 * The progress of HESSO's periodic identification.
 *
 * @param phase the phase of the last planned step
 * @param periodsStarted how many pruning periods have started
 */
public record PeriodicProgress(Phase phase, int periodsStarted) implements IdentificationProgress {

    /**
     * Validates.
     *
     * @param phase the phase, not null
     * @param periodsStarted at least 0
     */
    public PeriodicProgress {
        Objects.requireNonNull(phase, "phase");
        if (periodsStarted < 0) {
            throw new IllegalArgumentException(
                    "periodsStarted must be >= 0, got " + periodsStarted);
        }
    }
}
