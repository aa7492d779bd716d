package ai.hesso.examples.bench.baselines;

/**
 * When magnitude pruning removes how many channels: {@code iterations} removals spread evenly over
 * the steps {@code (startStep, endStep]}, each raising the removed count linearly towards {@code
 * targetCount}, as Torch-Pruning's {@code iterative_steps} with its linear scheduler. A pure
 * function of the step; steps are counted from 1, as the optimizer counts them.
 *
 * <p>Removal {@code i} (1-based) happens after step {@code startStep + round(i * (endStep -
 * startStep) / iterations)} and brings the removed count to {@code floor(targetCount * i /
 * iterations)}, so the last one, after {@code endStep}, reaches {@code targetCount}. One iteration
 * is one-shot pruning after {@code endStep}.
 *
 * @param startStep the step the window opens after, at least 0
 * @param endStep the step of the last removal, above {@code startStep}
 * @param iterations the number of removals, 1 to {@code endStep - startStep}
 * @param targetCount the channels removed after the last removal, at least 0
 */
public record IterativeSchedule(int startStep, int endStep, int iterations, int targetCount) {

    /**
     * Validates the schedule.
     *
     * @param startStep the step the window opens after
     * @param endStep the step of the last removal
     * @param iterations the number of removals
     * @param targetCount the final removed count
     * @throws IllegalArgumentException naming the bad value and the valid range
     */
    public IterativeSchedule {
        if (startStep < 0) {
            throw new IllegalArgumentException("startStep must be >= 0, got " + startStep);
        }
        if (endStep <= startStep) {
            throw new IllegalArgumentException(
                    "endStep must be above startStep " + startStep + ", got " + endStep);
        }
        if (iterations < 1 || iterations > endStep - startStep) {
            throw new IllegalArgumentException(
                    "iterations must be in [1, "
                            + (endStep - startStep)
                            + "] (one removal per"
                            + " step at most), got "
                            + iterations);
        }
        if (targetCount < 0) {
            throw new IllegalArgumentException("targetCount must be >= 0, got " + targetCount);
        }
    }

    /**
     * One-shot pruning: all {@code targetCount} channels removed after {@code step}.
     *
     * @param step the step after which the channels are removed, at least 1
     * @param targetCount the channels removed
     * @return the schedule
     */
    public static IterativeSchedule oneShot(int step, int targetCount) {
        return new IterativeSchedule(step - 1, step, 1, targetCount);
    }

    /**
     * Returns the step after which removal {@code i} happens.
     *
     * @param i the removal, 1 to {@code iterations}
     * @return the step
     * @throws IllegalArgumentException if {@code i} is out of range
     */
    public int removalStep(int i) {
        checkIteration(i);
        return startStep + (int) Math.round((double) i * (endStep - startStep) / iterations);
    }

    /**
     * Returns the removed count after removal {@code i}.
     *
     * @param i the removal, 1 to {@code iterations}
     * @return {@code floor(targetCount * i / iterations)}
     * @throws IllegalArgumentException if {@code i} is out of range
     */
    public int countAfter(int i) {
        checkIteration(i);
        return (int) ((long) targetCount * i / iterations);
    }

    /**
     * Returns the removal that happens after a step, if any.
     *
     * @param step the step, counted from 1
     * @return the removal {@code i} in {@code [1, iterations]}, or 0 when the step removes nothing
     */
    public int removalAt(int step) {
        if (step <= startStep || step > endStep) {
            return 0;
        }
        for (int i = 1; i <= iterations; i++) {
            if (removalStep(i) == step) {
                return i;
            }
        }
        return 0;
    }

    private void checkIteration(int i) {
        if (i < 1 || i > iterations) {
            throw new IllegalArgumentException(
                    "removal must be in [1, " + iterations + "], got " + i);
        }
    }
}
