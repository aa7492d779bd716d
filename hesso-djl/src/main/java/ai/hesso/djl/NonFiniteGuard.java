package ai.hesso.djl;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link NonFinitePolicy} and counts the skipped steps, in total and in a row; the counts
 * are part of a checkpoint.
 */
final class NonFiniteGuard {

    private static final Logger logger = LoggerFactory.getLogger(NonFiniteGuard.class);

    private final NonFinitePolicy policy;
    private final int maxConsecutive;
    private int skipped;
    private int consecutive;

    /**
     * Creates a guard.
     *
     * @param policy what to do with a bad step
     * @param maxConsecutive the skipped steps in a row that make the run give up, or 0 for never
     */
    NonFiniteGuard(NonFinitePolicy policy, int maxConsecutive) {
        this.policy = policy;
        this.maxConsecutive = maxConsecutive;
    }

    /**
     * Records a bad step: throws under {@link NonFinitePolicy#FAIL} or when too many came in a row,
     * warns and counts it otherwise.
     *
     * @param step the step that is not taken
     * @param offender what was not finite
     * @throws NonFiniteStepException when the policy says to stop
     */
    void badStep(int step, String offender) {
        if (policy == NonFinitePolicy.FAIL) {
            throw new NonFiniteStepException(
                    "step "
                            + step
                            + ": "
                            + offender
                            + " is not finite (NaN or infinite); nonFinitePolicy is FAIL, so"
                            + " training stops before any tensor is touched",
                    step,
                    offender);
        }
        skipped++;
        consecutive++;
        if (maxConsecutive > 0 && consecutive >= maxConsecutive) {
            throw new NonFiniteStepException(
                    "step "
                            + step
                            + ": "
                            + offender
                            + " is not finite; that makes "
                            + consecutive
                            + " non-finite steps in a row, the most allowed by"
                            + " optMaxConsecutiveSkips("
                            + maxConsecutive
                            + "); lower the learning rate or check the data",
                    step,
                    offender);
        }
        logger.warn(
                "HESSO: skipped step {}: {} is not finite; no tensor or state changed ({} skipped"
                        + " so far, {} in a row)",
                step,
                offender,
                skipped,
                consecutive);
    }

    /** Records a step that was taken. */
    void goodStep() {
        consecutive = 0;
    }

    int skipped() {
        return skipped;
    }

    int consecutive() {
        return consecutive;
    }

    /** Continues the counts of a saved run. */
    void restore(int savedSkipped, int savedConsecutive) {
        this.skipped = savedSkipped;
        this.consecutive = savedConsecutive;
    }
}
