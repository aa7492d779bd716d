package ai.hesso.core.cost;

import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.NodeGroup;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * A {@link CostModel} bound to the driver's channel numbering: kept widths are given per prunable
 * node group (positions of {@link ChannelIndex#prunableGroups()}); every other node group keeps its
 * full width.
 *
 * <p>The saving of removing {@code m} channels of group {@code g} is {@code cost(k) - cost(k - m
 * e_g)}: the group's own filters (and its batch-norm entries, depthwise filters) plus the input
 * columns its consumers read, at the consumers' current widths. Every channel of a group saves the
 * same, so the cost model is asked per group, not per channel. A prunable group the model does not
 * name saves nothing.
 */
public final class ChannelCosts {

    private final CostModel model;
    private final ChannelIndex index;
    private final Map<String, Integer> positions = new HashMap<>();
    private final int[] fullWidths;
    private final long denseCost;

    /**
     * Binds a cost model to a channel index.
     *
     * @param model the cost model
     * @param index the driver's channel index
     * @throws IllegalArgumentException naming a node group whose width differs between the model
     *     and the index, or a group the model names that the index does not have
     */
    public ChannelCosts(CostModel model, ChannelIndex index) {
        this.model = Objects.requireNonNull(model, "model");
        this.index = Objects.requireNonNull(index, "index");
        Map<String, Integer> known = new HashMap<>();
        for (NodeGroup group : index.allGroups()) {
            known.put(group.name(), group.channels());
        }
        model.groupWidths()
                .forEach(
                        (name, width) -> {
                            Integer channels = known.get(name);
                            if (channels == null || channels.intValue() != width) {
                                throw new IllegalArgumentException(
                                        "the cost model gives node group '"
                                                + name
                                                + "' "
                                                + width
                                                + " channels, the node groups "
                                                + (channels == null
                                                        ? "have no group of that name"
                                                        : "give it " + channels)
                                                + "; build the cost model from the same block"
                                                + " and node groups");
                            }
                        });
        List<NodeGroup> prunable = index.prunableGroups();
        fullWidths = new int[prunable.size()];
        for (int g = 0; g < prunable.size(); g++) {
            positions.put(prunable.get(g).name(), g);
            fullWidths[g] = prunable.get(g).channels();
        }
        denseCost = cost(fullWidths);
    }

    /**
     * Returns the channel index this is bound to.
     *
     * @return the index
     */
    public ChannelIndex index() {
        return index;
    }

    /**
     * Returns the cost with every group at its full width.
     *
     * @return the dense cost
     */
    public long denseCost() {
        return denseCost;
    }

    /**
     * Returns the full width of every prunable group.
     *
     * @return a new array, one entry per prunable group
     */
    public int[] fullWidths() {
        return fullWidths.clone();
    }

    /**
     * Returns the cost at the given kept widths.
     *
     * @param kept the kept width of each prunable group, one entry per prunable group
     * @return the cost
     */
    public long cost(int[] kept) {
        if (kept.length != fullWidths.length) {
            throw new IllegalArgumentException(
                    "kept needs one width per prunable group ("
                            + fullWidths.length
                            + "), got "
                            + kept.length);
        }
        Map<String, Integer> dense = model.groupWidths();
        ToIntFunction<String> widths =
                name -> {
                    Integer g = positions.get(name);
                    return g == null ? dense.get(name) : kept[g];
                };
        return model.cost(widths);
    }

    /**
     * Returns what removing {@code count} more channels of one group saves at the given widths.
     *
     * @param kept the kept width of each prunable group (not changed)
     * @param group the prunable group's position
     * @param count how many channels, in {@code [0, kept[group]]}
     * @return {@code cost(kept) - cost(kept with kept[group] - count)}
     */
    public long saving(int[] kept, int group, int count) {
        if (count < 0 || count > kept[group]) {
            throw new IllegalArgumentException(
                    "count must be in [0, " + kept[group] + "], got " + count);
        }
        int[] fewer = kept.clone();
        fewer[group] -= count;
        return cost(kept) - cost(fewer);
    }

    /**
     * Returns the smallest cost pruning can reach: every prunable group down to {@code
     * groupDivisible} channels (the fewest {@code groupDivisible} rounding leaves), every other
     * group at full width.
     *
     * @param groupDivisible {@code q}, at least 1
     * @return the cost
     */
    public long minimumCost(int groupDivisible) {
        return cost(leastWidths(groupDivisible, new int[fullWidths.length]));
    }

    /**
     * Returns the fewest channels each prunable group can be taken down to by moves of {@code
     * groupDivisible} channels ({@link ai.hesso.core.selection.MacBudgetSelection}) when no group
     * may keep fewer than {@code leastKept[g]}: the smallest width of {@code n, the multiples of q
     * below n} that is at least {@code max(q, leastKept[g])}, or {@code n} when none is.
     *
     * @param groupDivisible {@code q}, at least 1
     * @param leastKept the fewest channels each group may keep (0: no limit but {@code q})
     * @return the least reachable width of each prunable group
     */
    public int[] leastWidths(int groupDivisible, int[] leastKept) {
        if (leastKept.length != fullWidths.length) {
            throw new IllegalArgumentException(
                    "need one least width per prunable group ("
                            + fullWidths.length
                            + "), got "
                            + leastKept.length);
        }
        int[] least = new int[fullWidths.length];
        for (int g = 0; g < least.length; g++) {
            int n = fullWidths[g];
            int floor = Math.max(groupDivisible, leastKept[g]);
            // the multiples of q at least the floor, below n; n itself when there is none
            int multiple = (floor + groupDivisible - 1) / groupDivisible * groupDivisible;
            least[g] = multiple < n ? multiple : n;
        }
        return least;
    }

    /**
     * Returns the kept widths when the given global channels are removed.
     *
     * @param removed which global channels are removed, one flag per channel of the index
     * @return the kept width of each prunable group
     */
    public int[] keptWithout(boolean[] removed) {
        int[] kept = fullWidths.clone();
        for (int c = 0; c < removed.length; c++) {
            if (removed[c]) {
                kept[index.groupOf(c)]--;
            }
        }
        return kept;
    }
}
