package ai.hesso.examples.bench.baselines;

import ai.hesso.core.cost.CostModel;
import ai.hesso.core.group.NodeGroup;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * How the baselines reach a compute budget: the cost model of the compact architecture ({@code
 * ai.hesso.djl.cost.BlockMacs}, which gives exactly what {@code BlockCost} counts on the compact
 * model) asked for the MACs of a removal, and a bisection over channel counts.
 *
 * <p>Both rules here remove channels in a fixed order, so the MACs never rise as the count grows
 * (the cost model is non-decreasing in every width) and the smallest count that meets a budget is
 * found by bisection:
 *
 * <ul>
 *   <li>{@link #perGroupCount}: per layer, the same fraction from every node group (the split of
 *       {@link PerGroupRanking}, HESSO's {@code Allocation.PER_GROUP}); the smallest total count
 *       {@code K} whose split meets the budget, so one channel fewer would not;
 *   <li>{@link #extendGlobally}: the global ranking ({@link GlobalRanking}) extended channel by
 *       channel in ranking order until the budget is met, as a user of Torch-Pruning's global
 *       pruner stops when {@code count_ops_and_params} reaches the target.
 * </ul>
 */
public final class MacBudget {

    private final CostModel model;
    private final List<NodeGroup> groups;
    private final int channels;
    private final long denseCost;

    /**
     * Creates the budget search.
     *
     * @param model the cost model of the dense block; it must know every group of {@code groups}
     * @param groups the prunable node groups, in order
     * @throws IllegalArgumentException naming a group the cost model does not know or whose width
     *     differs
     */
    public MacBudget(CostModel model, List<NodeGroup> groups) {
        this.model = Objects.requireNonNull(model, "model");
        this.groups = List.copyOf(Objects.requireNonNull(groups, "groups"));
        if (this.groups.isEmpty()) {
            throw new IllegalArgumentException("a MAC budget needs at least one prunable group");
        }
        int n = 0;
        for (NodeGroup g : this.groups) {
            Integer width = model.groupWidths().get(g.name());
            if (width == null || width != g.channels()) {
                throw new IllegalArgumentException(
                        "node group '"
                                + g.name()
                                + "' ("
                                + g.channels()
                                + " channels) is not in the cost model with that width; the"
                                + " cost model's groups: "
                                + model.groupWidths());
            }
            n += g.channels();
        }
        this.channels = n;
        this.denseCost = model.denseCost();
    }

    /**
     * Returns the dense model's MACs.
     *
     * @return the cost with every group at full width
     */
    public long denseCost() {
        return denseCost;
    }

    /**
     * Returns the channels of all prunable groups.
     *
     * @return {@code N}
     */
    public int channels() {
        return channels;
    }

    /**
     * Returns the most channels a removal may take: every group keeps one.
     *
     * @return {@code N - groups}
     */
    public int mostRemovable() {
        return channels - groups.size();
    }

    /**
     * Returns the MACs a fraction of the dense model's allows.
     *
     * @param fraction the fraction of the dense MACs to keep, in {@code (0, 1)}
     * @return {@code floor(fraction * dense)}
     * @throws IllegalArgumentException if the fraction is outside {@code (0, 1)}
     */
    public long target(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException(
                    "a MAC budget must be a fraction of the dense MACs in (0, 1), got " + fraction);
        }
        return (long) Math.floor(fraction * denseCost);
    }

    /**
     * Returns the MACs of the compact model that a removal leaves.
     *
     * @param removed removed channel indices per group name (missing groups: none removed)
     * @return the cost at the kept widths
     */
    public long cost(Map<String, int[]> removed) {
        Map<String, Integer> kept = new HashMap<>(model.groupWidths());
        removed.forEach((g, c) -> kept.computeIfPresent(g, (k, w) -> w - c.length));
        return model.cost(kept::get);
    }

    /**
     * Returns the per-layer removal of {@code count} channels as widths only: each group's share of
     * the same-fraction split, its first channels (the channels themselves do not change the MACs;
     * a trained method chooses them by its own scores).
     *
     * @param count the total channels removed, {@code 0} to {@link #mostRemovable()}
     * @return the removal per group
     */
    public Map<String, int[]> perGroupSplit(int count) {
        Map<String, double[]> flat = new LinkedHashMap<>();
        for (NodeGroup g : groups) {
            flat.put(g.name(), new double[g.channels()]);
        }
        return PerGroupRanking.extend(groups, flat, Map.of(), count);
    }

    /**
     * Finds the per-layer channel count for a budget: the smallest total {@code K} whose
     * same-fraction split ({@link #perGroupSplit}) leaves at most {@code floor(fraction * dense)}
     * MACs; with {@code K - 1} channels the compact model would cost more.
     *
     * @param fraction the fraction of the dense MACs to keep, in {@code (0, 1)}
     * @return {@code K}
     * @throws IllegalArgumentException if even {@link #mostRemovable()} channels leave more MACs,
     *     naming the smallest reachable fraction
     */
    public int perGroupCount(double fraction) {
        long goal = target(fraction);
        return smallestMeeting(
                k -> cost(perGroupSplit(k)) <= goal,
                0,
                mostRemovable(),
                () -> unreachable(fraction, perGroupSplit(mostRemovable()), "per-group"));
    }

    /**
     * Extends a removal globally until the compact model costs at most {@code goal} MACs: the
     * channels are taken in the order of {@link GlobalRanking#extend} (lowest scores first, never a
     * group's last channel), and the count is the smallest that meets the goal.
     *
     * @param scores one score per channel of every group, in group order
     * @param removed the channels removed already (kept removed)
     * @param goal the MACs to reach, at most
     * @return the removal, every group of {@code scores}
     * @throws IllegalArgumentException if removing every removable channel still costs more
     */
    public Map<String, int[]> extendGlobally(
            Map<String, double[]> scores, Map<String, int[]> removed, long goal) {
        int already = removed.values().stream().mapToInt(a -> a.length).sum();
        if (cost(removed) <= goal) {
            return GlobalRanking.extend(scores, removed, already);
        }
        int k =
                smallestMeeting(
                        n -> cost(GlobalRanking.extend(scores, removed, n)) <= goal,
                        already,
                        mostRemovable(),
                        () ->
                                new IllegalArgumentException(
                                        "no global removal reaches "
                                                + goal
                                                + " MACs: removing all but one channel per group"
                                                + " leaves "
                                                + cost(
                                                        GlobalRanking.extend(
                                                                scores, removed, mostRemovable()))
                                                + " of "
                                                + denseCost));
        return GlobalRanking.extend(scores, removed, k);
    }

    /**
     * Bisection: the smallest {@code k} in {@code [lo, hi]} for which a non-decreasing predicate
     * holds (false up to some count, true from it on).
     *
     * @param meets the predicate, monotone in {@code k}
     * @param lo the lowest count
     * @param hi the highest count, where {@code meets} must hold
     * @param none the exception when {@code meets(hi)} is false
     * @return the smallest count that meets
     */
    static int smallestMeeting(
            IntPredicate meets, int lo, int hi, Supplier<IllegalArgumentException> none) {
        if (!meets.test(hi)) {
            throw none.get();
        }
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            if (meets.test(mid)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private IllegalArgumentException unreachable(
            double fraction, Map<String, int[]> most, String rule) {
        return new IllegalArgumentException(
                "a MAC budget of "
                        + fraction
                        + " of the dense MACs cannot be met by "
                        + rule
                        + " pruning: removing all but one channel per group leaves "
                        + cost(most)
                        + " of "
                        + denseCost
                        + " MACs ("
                        + String.format(Locale.ROOT, "%.4f", (double) cost(most) / denseCost)
                        + ")");
    }
}
