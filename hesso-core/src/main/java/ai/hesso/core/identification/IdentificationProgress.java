package ai.hesso.core.identification;

import ai.hesso.core.Phase;

/**
 * The progress of one identification strategy: {@link PeriodicProgress} or {@link CricProgress}.
 */
public sealed interface IdentificationProgress permits PeriodicProgress, CricProgress {

    /**
     * Returns the phase of the last planned step.
     *
     * @return the phase
     */
    Phase phase();
}
