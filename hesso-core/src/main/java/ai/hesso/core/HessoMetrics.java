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
        double redundantNorm) {

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
     * @return e.g. {@code step 120 PRUNING period 2: sparsity 0.250 (pruned 16, redundant 8, ...)}
     */
    @Override
    public String toString() {
        return String.format(
                "step %d %s stage %d: group sparsity %.3f (pruned %d, redundant %d, important %d"
                        + " of %d; target %d)",
                step,
                phase,
                stage,
                groupSparsity(),
                pruned,
                redundant,
                important,
                prunableChannels,
                targetChannels);
    }
}
