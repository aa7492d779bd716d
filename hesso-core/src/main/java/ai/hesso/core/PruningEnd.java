package ai.hesso.core;

/**
 * The step with which pruning completes: once it has been taken, every channel the run prunes is
 * pruned (exactly zero, and stays so). HESSO's periods fix it in advance ({@link
 * ai.hesso.core.schedule.PruningSchedule#lastPruningStep()}); CRIC's cycles stop early when their
 * violating set is small enough, so until its vote the step is only known to lie between two
 * bounds, and exactly from the vote on.
 *
 * @param earliest the earliest such step (1-based); 0 when there is nothing to prune
 * @param latest the latest such step, at least {@code earliest}; equal to it when known exactly
 */
public record PruningEnd(int earliest, int latest) {

    /**
     * Validates.
     *
     * @param earliest at least 0
     * @param latest at least {@code earliest}
     */
    public PruningEnd {
        if (earliest < 0 || latest < earliest) {
            throw new IllegalArgumentException(
                    "need 0 <= earliest <= latest, got earliest "
                            + earliest
                            + " and latest "
                            + latest);
        }
    }

    /**
     * Whether the step is known exactly.
     *
     * @return true when {@code earliest == latest}
     */
    public boolean exact() {
        return earliest == latest;
    }

    /**
     * Names the step for messages.
     *
     * @return {@code at step 17}, or {@code between step 23 and step 31}
     */
    @Override
    public String toString() {
        return exact() ? "at step " + latest : "between step " + earliest + " and step " + latest;
    }
}
