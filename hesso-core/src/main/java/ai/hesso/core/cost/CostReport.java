package ai.hesso.core.cost;

/**
 * Where a MAC budget stands: the dense cost, the cost without the pruned channels, and the target.
 *
 * @param denseMacs the MACs of the dense model, per input sample
 * @param currentMacs the MACs once the pruned channels are removed
 * @param plannedMacs the MACs once the pruned and the redundant (being projected) channels are
 *     removed
 * @param targetFraction the budget {@code targetMacs}, a fraction of {@code denseMacs}
 */
public record CostReport(
        long denseMacs, long currentMacs, long plannedMacs, double targetFraction) {

    /**
     * Returns the fraction of the dense MACs left without the pruned channels.
     *
     * @return {@code currentMacs / denseMacs}
     */
    public double fraction() {
        return denseMacs == 0 ? 1 : (double) currentMacs / denseMacs;
    }

    /**
     * Returns the largest MAC count the budget allows.
     *
     * @return {@code floor(targetFraction * denseMacs)}
     */
    public long budgetMacs() {
        return (long) Math.floor(targetFraction * denseMacs);
    }

    /**
     * One line for logs.
     *
     * @return e.g. {@code MACs 120,000 of 400,000 (0.300, target 0.300)}
     */
    @Override
    public String toString() {
        return String.format(
                "MACs %,d of %,d (%.3f of dense, target %.3f; %,d once the redundant channels go)",
                currentMacs, denseMacs, fraction(), targetFraction, plannedMacs);
    }
}
