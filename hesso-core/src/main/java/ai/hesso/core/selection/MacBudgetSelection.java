package ai.hesso.core.selection;

import ai.hesso.core.cost.ChannelCosts;
import ai.hesso.core.group.ChannelIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * Chooses channels to remove until the model's cost is within a budget, giving up as little
 * saliency per MAC saved as it can.
 *
 * <p>The rule, greedy with recomputation: while the cost {@code C(k)} of the kept widths {@code k}
 * is above the target, every prunable group {@code g} offers one <em>move</em>: removing its {@code
 * m} lowest-scoring candidate channels, where {@code m} takes the group's kept width to the next
 * width {@code groupDivisible} allows ({@code m = 1} when {@code groupDivisible = 1}; never below
 * {@code groupDivisible} channels, never the whole group). The move's price is the sum of those
 * channels' scores, its saving {@code C(k) - C(k - m e_g)} at the current widths. The move with the
 * lowest price per MAC saved is taken (ties: the move whose first channel has the lower global
 * index), {@code k} is updated, and the savings are recomputed before the next move, because
 * removing a producer's channel makes its consumers' filters cheaper and removing a consumer's
 * filter makes the producer's channels cheaper. When the chosen move would reach the target, the
 * walk ends instead with the <em>cheapest</em> move that reaches it (lowest price, then smallest
 * saving): every such move ends the selection, so the one that removes the least saliency is the
 * better last step, and it is usually the one that overshoots least.
 *
 * <p>Why this rule: choosing the removed set is a covering knapsack problem (minimise the saliency
 * removed subject to the MACs removed being at least {@code C(dense) - budget}). For channels whose
 * savings do not interact, taking items by price per MAC is optimal for the fractional relaxation,
 * so the greedy set removes at most the price of its last item more than the best possible set;
 * ending with the cheapest finishing item (the usual "best single item" repair) only lowers that.
 * It reduces to plain lowest-score selection when every channel costs the same. Recomputing after
 * each move keeps the savings exact where channels do interact. The walk stops at the first widths
 * within the target, so the result undershoots the target by less than the saving of the last move
 * (one channel, or {@code groupDivisible} channels).
 *
 * <p>Scores are used as prices as they are when none is negative (every built-in criterion is
 * non-negative); otherwise all are shifted up by the lowest candidate score so that prices stay
 * non-negative and a larger saving always lowers the price per MAC.
 */
public final class MacBudgetSelection {

    private MacBudgetSelection() {}

    /**
     * Chooses the channels.
     *
     * @param scores one saliency score per global channel, lower meaning more redundant
     * @param candidate which channels may be chosen
     * @param costs the cost model bound to the channel index
     * @param kept the kept width of each prunable group before this selection (not changed)
     * @param targetCost the cost to reach, in the cost model's units
     * @param groupDivisible {@code q}, at least 1
     * @return the chosen global channels, in the order they were chosen; the cost at the widths
     *     they leave is at most {@code targetCost} unless no move is left
     */
    public static int[] select(
            double[] scores,
            IntPredicate candidate,
            ChannelCosts costs,
            int[] kept,
            double targetCost,
            int groupDivisible) {
        return select(
                scores,
                candidate,
                costs,
                kept,
                targetCost,
                groupDivisible,
                new int[costs.index().prunableGroups().size()]);
    }

    /**
     * Chooses the channels as {@link #select(double[], IntPredicate, ChannelCosts, int[], double,
     * int)} does, never taking a group below a least width: a move that would leave group {@code g}
     * with fewer than {@code leastKept[g]} channels is not offered (the group sparsity cap of
     * {@link ai.hesso.core.GroupSparsityBounds} under a MAC budget).
     *
     * @param scores one saliency score per global channel, lower meaning more redundant
     * @param candidate which channels may be chosen
     * @param costs the cost model bound to the channel index
     * @param kept the kept width of each prunable group before this selection (not changed)
     * @param targetCost the cost to reach, in the cost model's units
     * @param groupDivisible {@code q}, at least 1
     * @param leastKept the fewest channels each prunable group may keep (0: no limit but {@code q})
     * @return the chosen global channels, in the order they were chosen; the cost at the widths
     *     they leave is at most {@code targetCost} unless no move is left
     */
    public static int[] select(
            double[] scores,
            IntPredicate candidate,
            ChannelCosts costs,
            int[] kept,
            double targetCost,
            int groupDivisible,
            int[] leastKept) {
        if (groupDivisible < 1) {
            throw new IllegalArgumentException(
                    "groupDivisible must be >= 1, got " + groupDivisible);
        }
        ChannelIndex index = costs.index();
        if (scores.length != index.size()) {
            throw new IllegalArgumentException(
                    "need one score per prunable channel ("
                            + index.size()
                            + "), got "
                            + scores.length);
        }
        if (leastKept.length != kept.length) {
            throw new IllegalArgumentException(
                    "need one least width per prunable group ("
                            + kept.length
                            + "), got "
                            + leastKept.length);
        }
        int[] widths = kept.clone();
        List<int[]> queues = candidatesByGroup(scores, candidate, index);
        double shift = shift(scores, queues);
        int[] taken = new int[queues.size()];
        List<Integer> chosen = new ArrayList<>();
        long cost = costs.cost(widths);
        while (cost > targetCost) {
            int best = -1;
            double bestPrice = Double.POSITIVE_INFINITY;
            long bestSaving = 0;
            int bestCount = 0;
            // the cheapest move that alone reaches the target, by total price
            int finish = -1;
            double finishPrice = Double.POSITIVE_INFINITY;
            long finishSaving = 0;
            int finishCount = 0;
            for (int g = 0; g < queues.size(); g++) {
                int count =
                        moveSize(
                                index.prunableGroups().get(g).channels(),
                                widths[g],
                                groupDivisible);
                if (count == 0
                        || taken[g] + count > queues.get(g).length
                        || widths[g] - count < leastKept[g]) {
                    continue;
                }
                long saving = costs.saving(widths, g, count);
                if (saving <= 0) {
                    continue;
                }
                double total = 0;
                for (int i = 0; i < count; i++) {
                    total += scores[queues.get(g)[taken[g] + i]] - shift;
                }
                if (cost - saving <= targetCost
                        && (total < finishPrice
                                || (total == finishPrice && saving < finishSaving))) {
                    finish = g;
                    finishPrice = total;
                    finishSaving = saving;
                    finishCount = count;
                }
                double price = total / saving;
                if (price < bestPrice
                        || (price == bestPrice
                                && queues.get(g)[taken[g]] < queues.get(best)[taken[best]])) {
                    best = g;
                    bestPrice = price;
                    bestSaving = saving;
                    bestCount = count;
                }
            }
            if (best < 0) {
                break;
            }
            if (cost - bestSaving <= targetCost) {
                best = finish;
                bestSaving = finishSaving;
                bestCount = finishCount;
            }
            for (int i = 0; i < bestCount; i++) {
                chosen.add(queues.get(best)[taken[best]++]);
            }
            widths[best] -= bestCount;
            cost -= bestSaving;
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Returns how many channels a group's next move removes: down to the next multiple of {@code q}
     * below its kept width, not below {@code q}.
     *
     * @param channels the group's full width {@code n}
     * @param kept its kept width
     * @param groupDivisible {@code q}
     * @return the move size, 0 when the group cannot shrink
     */
    static int moveSize(int channels, int kept, int groupDivisible) {
        int next = (kept - 1) / groupDivisible * groupDivisible;
        return next < groupDivisible ? 0 : kept - next;
    }

    private static List<int[]> candidatesByGroup(
            double[] scores, IntPredicate candidate, ChannelIndex index) {
        Comparator<Integer> byScore =
                Comparator.<Integer>comparingDouble(c -> scores[c]).thenComparingInt(c -> c);
        List<int[]> queues = new ArrayList<>();
        for (int g = 0; g < index.prunableGroups().size(); g++) {
            int offset = index.offset(g);
            int n = index.prunableGroups().get(g).channels();
            queues.add(
                    IntStream.range(offset, offset + n)
                            .filter(candidate)
                            .boxed()
                            .sorted(byScore)
                            .mapToInt(Integer::intValue)
                            .toArray());
        }
        return queues;
    }

    /** Returns the lowest candidate score when it is negative, else 0. */
    private static double shift(double[] scores, List<int[]> queues) {
        double lowest = 0;
        for (int[] queue : queues) {
            if (queue.length > 0) {
                lowest = Math.min(lowest, scores[queue[0]]);
            }
        }
        return lowest;
    }
}
