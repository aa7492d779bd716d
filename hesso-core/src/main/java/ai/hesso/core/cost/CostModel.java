package ai.hesso.core.cost;

import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * The compute cost of a model (multiply-accumulates per input sample) as a function of the number
 * of channels each node group keeps.
 *
 * <p>The cost of removing a channel is not a constant of the channel: removing output channel
 * {@code c} of a convolution {@code A} saves {@code A}'s filter for {@code c} and, in every
 * consumer {@code B}, the input column {@code c}; how much that column costs depends on how many
 * filters {@code B} still has. A cost model therefore answers for a whole assignment of kept
 * widths, and the saving of any removal is the difference of two answers (see {@link
 * ChannelCosts}).
 *
 * <p>Contract: {@link #cost} is non-decreasing in every group's kept width, and a group not named
 * by {@link #groupWidths()} does not change the cost.
 */
public interface CostModel {

    /**
     * Returns the node groups the cost depends on, with their full channel counts.
     *
     * @return node group name to dense width, unmodifiable
     */
    Map<String, Integer> groupWidths();

    /**
     * Returns the cost when each node group keeps the given number of channels.
     *
     * @param keptChannels the kept width of a node group, by name; asked only for the names of
     *     {@link #groupWidths()}, each answer in {@code [0, dense width]}
     * @return the cost, at least 0
     */
    long cost(ToIntFunction<String> keptChannels);

    /**
     * Returns the cost with every node group at its full width.
     *
     * @return the dense cost
     */
    default long denseCost() {
        Map<String, Integer> widths = groupWidths();
        return cost(widths::get);
    }
}
