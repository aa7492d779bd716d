package ai.hesso.core.selection;

import ai.hesso.core.cost.ChannelCosts;
import ai.hesso.core.group.ChannelIndex;

/**
 * The channel count that meets a MAC budget when every node group loses the same fraction ({@link
 * ai.hesso.core.Allocation#PER_GROUP} with a MAC budget): the smallest total {@code K} whose split
 * by {@link GroupQuotas#split} (every group keeping at least one channel) leaves a model within the
 * budget. The cost never rises as {@code K} grows (each extra channel narrows one group and the
 * cost model is non-decreasing in every width), so {@code K} is found by bisection; with {@code K -
 * 1} channels the model would cost more.
 */
public final class PerGroupBudget {

    private PerGroupBudget() {}

    /**
     * Finds {@code K}.
     *
     * @param costs the cost model bound to the channel index
     * @param targetCost the largest cost allowed, in the cost model's units
     * @return the smallest count whose per-group split costs at most {@code targetCost}
     * @throws IllegalArgumentException when even every group down to one channel costs more, naming
     *     that cost
     */
    public static int count(ChannelCosts costs, double targetCost) {
        ChannelIndex index = costs.index();
        int most = index.size() - index.prunableGroups().size();
        if (cost(costs, most) > targetCost) {
            throw new IllegalArgumentException(
                    "with the same fraction from every group and every group down to one channel"
                            + " the model keeps "
                            + cost(costs, most)
                            + " of "
                            + costs.denseCost()
                            + " MACs, more than the budget's "
                            + (long) Math.floor(targetCost));
        }
        int lo = 0;
        int hi = most;
        // invariant: cost(hi) meets the target; cost(k) for k < lo does not
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cost(costs, mid) <= targetCost) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /**
     * Returns the widths the per-group split of {@code count} channels leaves, each group keeping
     * at least one channel.
     *
     * @param costs the cost model bound to the channel index
     * @param count the channels removed in all
     * @return the kept width of each prunable group
     */
    public static int[] widths(ChannelCosts costs, int count) {
        ChannelIndex index = costs.index();
        int[] share =
                GroupQuotas.split(index, c -> true, new int[index.prunableGroups().size()], count);
        int[] kept = costs.fullWidths();
        for (int g = 0; g < kept.length; g++) {
            kept[g] = Math.max(1, kept[g] - share[g]);
        }
        return kept;
    }

    private static long cost(ChannelCosts costs, int count) {
        return costs.cost(widths(costs, count));
    }
}
