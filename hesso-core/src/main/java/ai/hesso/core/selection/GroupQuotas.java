package ai.hesso.core.selection;

import ai.hesso.core.group.ChannelIndex;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The per-group allocation ({@code Allocation.PER_GROUP}): a selection of {@code quota} channels is
 * split over the prunable node groups so that every group has lost about the same fraction of its
 * channels, as Torch-Pruning's per-layer pruning does, and within each group the lowest-scoring
 * candidates are chosen: HESSO's saliency still decides which channels go, the split only how many
 * per group.
 *
 * <p>The split fills like water: one channel at a time goes to the group with candidates left whose
 * fraction {@code (before_g + share_g + 1) / n_g} would be the smallest, ties to the lower group
 * index; {@code before_g} counts what earlier periods already chose there, so the periods together
 * end balanced. A group never gets more than its candidates.
 */
public final class GroupQuotas {

    private GroupQuotas() {}

    /**
     * Splits a quota over the prunable groups.
     *
     * @param index the prunable channels
     * @param candidate which global channels may be chosen
     * @param before the channels each prunable group lost before (pruned or being pruned)
     * @param quota how many to choose, at least 0
     * @return each prunable group's share, summing to {@code quota} or to the number of candidates,
     *     whichever is smaller
     */
    public static int[] split(ChannelIndex index, IntPredicate candidate, int[] before, int quota) {
        if (quota < 0) {
            throw new IllegalArgumentException("quota must be >= 0, got " + quota);
        }
        int groups = index.prunableGroups().size();
        if (before.length != groups) {
            throw new IllegalArgumentException(
                    "before has " + before.length + " counts for " + groups + " prunable groups");
        }
        int[] capacity = new int[groups];
        for (int g = 0; g < groups; g++) {
            int offset = index.offset(g);
            int n = index.prunableGroups().get(g).channels();
            for (int c = offset; c < offset + n; c++) {
                if (candidate.test(c)) {
                    capacity[g]++;
                }
            }
        }
        int[] share = new int[groups];
        for (int k = 0; k < quota; k++) {
            int best = -1;
            double bestFraction = Double.POSITIVE_INFINITY;
            for (int g = 0; g < groups; g++) {
                if (share[g] >= capacity[g]) {
                    continue;
                }
                double fraction =
                        (before[g] + share[g] + 1.0) / index.prunableGroups().get(g).channels();
                if (fraction < bestFraction) {
                    bestFraction = fraction;
                    best = g;
                }
            }
            if (best < 0) {
                break;
            }
            share[best]++;
        }
        return share;
    }

    /**
     * Selects each group's share of its lowest-scoring candidates.
     *
     * @param index the prunable channels
     * @param scores one score per global channel, lower is more redundant
     * @param candidate which global channels may be chosen
     * @param before the channels each prunable group lost before
     * @param quota how many to choose in all, at least 0
     * @return the chosen global channel indices, group by group, each group's by ascending score
     *     then index
     */
    public static int[] select(
            ChannelIndex index, double[] scores, IntPredicate candidate, int[] before, int quota) {
        int[] share = split(index, candidate, before, quota);
        int[] chosen = new int[Arrays.stream(share).sum()];
        int k = 0;
        for (int g = 0; g < share.length; g++) {
            for (int c : LowestScores.inGroup(index, g, scores, candidate, share[g])) {
                chosen[k++] = c;
            }
        }
        return chosen;
    }
}
