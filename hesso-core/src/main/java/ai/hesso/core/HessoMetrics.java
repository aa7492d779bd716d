package ai.hesso.core;

/**
 * A snapshot of the optimizer's progress, for logs and listeners.
 *
 * @param step the last step planned (0 before the first)
 * @param phase the phase of that step
 * @param stage the number of pruning periods (or CRIC cycles) started so far
 * @param prunableChannels N, the channels of all prunable node groups
 * @param targetChannels K, adjusted by {@code groupDivisible}
 * @param important channels trained normally
 * @param redundant channels being projected towards zero
 * @param pruned channels that are exactly zero
 * @param importantNorm the sum of the important channels' norms at the last scoring step
 * @param redundantNorm the sum of the redundant and pruned channels' norms at that step
 * @param skippedSteps the steps the engine skipped because a gradient or the loss was not finite
 *     (they are not counted in {@code step}); 0 from the driver, filled in by the engine adapter
 * @param verifiedZero the pruned channels the engine found exactly zero in the parameter arrays at
 *     its last check (after every change of the masks); -1 when the engine does not check. A value
 *     below {@code pruned} means the bookkeeping and the arrays disagree
 */
public record HessoMetrics(
        int step,
        Phase phase,
        int stage,
        int prunableChannels,
        int targetChannels,
        int important,
        int redundant,
        int pruned,
        double importantNorm,
        double redundantNorm,
        int skippedSteps,
        int verifiedZero) {

    /**
     * Returns these metrics with the engine's counts.
     *
     * @param skippedSteps the steps skipped for non-finite values
     * @param verifiedZero the pruned channels found exactly zero in the arrays, or -1
     * @return a copy with the two counts replaced
     */
    public HessoMetrics withEngineCounts(int skippedSteps, int verifiedZero) {
        return new HessoMetrics(
                step,
                phase,
                stage,
                prunableChannels,
                targetChannels,
                important,
                redundant,
                pruned,
                importantNorm,
                redundantNorm,
                skippedSteps,
                verifiedZero);
    }

    /**
     * Returns the group sparsity: pruned channels over all prunable channels.
     *
     * @return a fraction in {@code [0, 1]}
     */
    public double groupSparsity() {
        return prunableChannels == 0 ? 0 : (double) pruned / prunableChannels;
    }

    /**
     * One line for logs.
     *
     * @return e.g. {@code step 120 PRUNING stage 2: group sparsity 0.250 (pruned 16, redundant 8,
     *     important 40 of 64; target 32)}, followed by the verified and skipped counts when the
     *     engine reports them
     */
    @Override
    public String toString() {
        String line =
                String.format(
                        "step %d %s stage %d: group sparsity %.3f (pruned %d, redundant %d,"
                                + " important %d of %d; target %d)",
                        step,
                        phase,
                        stage,
                        groupSparsity(),
                        pruned,
                        redundant,
                        important,
                        prunableChannels,
                        targetChannels);
        if (verifiedZero >= 0) {
            line += String.format(", %d of %d pruned verified exactly zero", verifiedZero, pruned);
        }
        if (skippedSteps > 0) {
            line += String.format(", %d non-finite steps skipped", skippedSteps);
        }
        return line;
    }
}
