package ai.hesso.core.schedule;

import java.util.Arrays;

/**
 * When HESSO's pruning periods start and end; pure functions of the 1-based step {@code k}.
 *
 * <p>With warm-up {@code s = startPruningStep}, {@code P = pruningPeriods} and period length {@code
 * Tp = pruningSteps / P} (integer division), a period starts at every step {@code k >= s} with
 * {@code (k - s - 1) mod Tp == 0}, until {@code P} periods have started; the offset inside a period
 * is {@code t = (k - s) mod Tp}, and a period ends (its redundant channels become pruned) at {@code
 * t == Tp - 1}. {@code mod} is the mathematical (floor) modulo, so with {@code Tp = 1} the first
 * period starts at {@code k = s}; with {@code Tp > 1} it starts at {@code k = s + 1}, projects at
 * offsets {@code 1 .. Tp - 1}, and the step with offset 0 between periods has no redundant
 * channels.
 *
 * @param startPruningStep the warm-up {@code s}, in steps, at least 0
 * @param pruningSteps the steps over which all periods run, at least {@code pruningPeriods}
 * @param pruningPeriods the number of periods {@code P}, at least 1
 */
public record PruningSchedule(int startPruningStep, int pruningSteps, int pruningPeriods) {

    /**
     * Validates the settings.
     *
     * @param startPruningStep the warm-up, at least 0
     * @param pruningSteps the steps of all periods, at least {@code pruningPeriods}
     * @param pruningPeriods the number of periods, at least 1
     */
    public PruningSchedule {
        if (startPruningStep < 0) {
            throw new IllegalArgumentException(
                    "startPruningStep must be >= 0, got " + startPruningStep);
        }
        if (pruningPeriods < 1) {
            throw new IllegalArgumentException(
                    "pruningPeriods must be >= 1, got " + pruningPeriods);
        }
        if (pruningSteps < pruningPeriods) {
            throw new IllegalArgumentException(
                    "pruningSteps must be >= pruningPeriods ("
                            + pruningPeriods
                            + ") so that each period lasts at least one step, got "
                            + pruningSteps);
        }
    }

    /**
     * Derives a schedule from the length of training by the rule of thumb of the HESSO paper and
     * OTO's examples: pruning starts after about a tenth of training and all periods are over by
     * about three tenths, leaving the rest for the pruned model to recover. With {@code T} total
     * steps: {@code startPruningStep = floor(T / 10)} and {@code pruningSteps = floor(3T / 10) -
     * floor(T / 10)}.
     *
     * @param totalSteps the optimizer steps of the whole training run, at least 1
     * @param pruningPeriods the number of periods {@code P}, at least 1
     * @return the schedule
     * @throws IllegalArgumentException if the run is too short to give every period a step, naming
     *     the shortest run that fits
     */
    public static PruningSchedule forTraining(int totalSteps, int pruningPeriods) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException(
                    "totalSteps must be >= 1 (the optimizer steps of the whole run), got "
                            + totalSteps);
        }
        if (pruningPeriods < 1) {
            throw new IllegalArgumentException(
                    "pruningPeriods must be >= 1, got " + pruningPeriods);
        }
        int start = startFor(totalSteps);
        int steps = endFor(totalSteps) - start;
        if (steps < pruningPeriods) {
            int shortest = totalSteps;
            while (endFor(shortest) - startFor(shortest) < pruningPeriods) {
                shortest++;
            }
            throw new IllegalArgumentException(
                    "a run of "
                            + totalSteps
                            + " steps is too short for "
                            + pruningPeriods
                            + " pruning period(s): the rule of thumb prunes between steps "
                            + start
                            + " and "
                            + endFor(totalSteps)
                            + ", "
                            + steps
                            + " step(s); train for at least "
                            + shortest
                            + " steps, use fewer periods, or set startPruningStep and"
                            + " pruningSteps yourself");
        }
        return new PruningSchedule(start, steps, pruningPeriods);
    }

    private static int startFor(int totalSteps) {
        return totalSteps / 10;
    }

    private static int endFor(int totalSteps) {
        return (int) (3L * totalSteps / 10);
    }

    /**
     * Returns the period length {@code Tp = pruningSteps / pruningPeriods}.
     *
     * @return Tp, at least 1
     */
    public int periodLength() {
        return pruningSteps / pruningPeriods;
    }

    /**
     * Whether a period starts at step {@code k}, given how many have started before it.
     *
     * @param step the 1-based step {@code k}
     * @param periodsStarted the number of periods started before this step
     * @return true when a new period starts
     */
    public boolean startsPeriod(int step, int periodsStarted) {
        return step >= startPruningStep
                && periodsStarted < pruningPeriods
                && Math.floorMod(step - startPruningStep - 1, periodLength()) == 0;
    }

    /**
     * Returns the offset {@code t = (k - s) mod Tp} of a step inside its period.
     *
     * @param step the 1-based step {@code k}
     * @return t, in {@code [0, Tp)}
     */
    public int offset(int step) {
        return Math.floorMod(step - startPruningStep, periodLength());
    }

    /**
     * Whether the redundant channels of the current period become pruned after step {@code k}.
     *
     * @param step the 1-based step {@code k}
     * @return true at {@code k >= s} with offset {@code Tp - 1}
     */
    public boolean endsPeriod(int step) {
        return step >= startPruningStep && offset(step) == periodLength() - 1;
    }

    /**
     * Returns the projection factor for the redundant rows at step {@code k}.
     *
     * @param step the 1-based step {@code k}
     * @return {@code (Tp - t - 1) / (Tp - t)}
     */
    public double projectionFactor(int step) {
        return Projection.factor(periodLength(), offset(step));
    }

    /**
     * Returns the step at which the last period ends: its redundant channels are exactly zero after
     * that step and pruned from the next one on. Training must run at least this many steps for the
     * whole target to be pruned.
     *
     * @return the 1-based step of the last period's end
     */
    public int lastPruningStep() {
        int started = 0;
        // a pure function of the step: walk the schedule (at most startPruningStep + pruningSteps
        // + 1 steps) rather than keep a closed formula in step with startsPeriod and endsPeriod
        for (int step = 1; ; step++) {
            if (startsPeriod(step, started)) {
                started++;
            }
            if (started == pruningPeriods && endsPeriod(step)) {
                return step;
            }
        }
    }

    /**
     * Splits a target of {@code K} channels over the periods: {@code floor(K / P)} each, the last
     * period takes the remainder.
     *
     * @param target K, at least 0
     * @return a new array of P quotas that sum to K
     */
    public int[] quotas(int target) {
        if (target < 0) {
            throw new IllegalArgumentException("target must be >= 0, got " + target);
        }
        int[] quotas = new int[pruningPeriods];
        int each = target / pruningPeriods;
        Arrays.fill(quotas, each);
        quotas[pruningPeriods - 1] = target - each * (pruningPeriods - 1);
        return quotas;
    }

    /**
     * Splits a cost budget over the periods with the shape of {@link #quotas}: each period removes
     * the same share {@code (1 - f) / P} of the dense cost, so the fraction of the dense cost left
     * after period {@code p} (1-based) is {@code 1 - (1 - f) p / P}, and exactly {@code f} after
     * the last.
     *
     * @param fraction the budget {@code f}, in {@code (0, 1)}
     * @return a new array of P fractions, decreasing, the last equal to {@code f}
     */
    public double[] costFractions(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1), got " + fraction);
        }
        double[] fractions = new double[pruningPeriods];
        for (int p = 1; p < pruningPeriods; p++) {
            fractions[p - 1] = 1 - (1 - fraction) * p / pruningPeriods;
        }
        fractions[pruningPeriods - 1] = fraction;
        return fractions;
    }
}
