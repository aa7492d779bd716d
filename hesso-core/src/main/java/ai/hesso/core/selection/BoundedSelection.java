package ai.hesso.core.selection;

import ai.hesso.core.GroupSparsityBounds;
import ai.hesso.core.group.ChannelIndex;
import java.util.Arrays;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * The global selection with per-group floors and caps ({@link GroupSparsityBounds}). In each
 * period, first every group below its floor gives its due: what it still owes, spread evenly over
 * the periods left ({@code ceil(owed / periodsLeft)}), its lowest-scoring candidates; then the rest
 * of the quota goes to the lowest scores over all groups, skipping groups at their cap.
 *
 * <p>When the dues exceed the quota, the groups furthest below their floor (by fraction) are served
 * first, lower index on ties. When the caps leave fewer candidates than the quota, fewer channels
 * are chosen: the caller lowers its target and says so. Ties in score go to the lower channel
 * index, as in {@link LowestScores}.
 */
public final class BoundedSelection {

    private BoundedSelection() {}

    /**
     * Selects a period's channels.
     *
     * @param index the prunable channels
     * @param scores one score per global channel, lower is more redundant
     * @param candidate which global channels may be chosen
     * @param before the channels each prunable group lost before this period
     * @param quota how many to choose in all, at least 0
     * @param periodsLeft the periods left, this one included, at least 1
     * @param bounds the floors and caps
     * @return the chosen global channel indices: the floors' dues group by group (each by ascending
     *     score, then index), then the rest by ascending score, then index
     */
    public static int[] select(
            ChannelIndex index,
            double[] scores,
            IntPredicate candidate,
            int[] before,
            int quota,
            int periodsLeft,
            GroupSparsityBounds bounds) {
        int groups = index.prunableGroups().size();
        if (before.length != groups) {
            throw new IllegalArgumentException(
                    "before has " + before.length + " counts for " + groups + " prunable groups");
        }
        if (quota < 0) {
            throw new IllegalArgumentException("quota must be >= 0, got " + quota);
        }
        if (periodsLeft < 1) {
            throw new IllegalArgumentException("periodsLeft must be >= 1, got " + periodsLeft);
        }
        int[] due = dues(index, before, quota, periodsLeft, bounds);
        boolean[] taken = new boolean[scores.length];
        int[] chosenPerGroup = new int[groups];
        int[] chosen = new int[quota];
        int k = 0;
        for (int g = 0; g < groups; g++) {
            for (int c : LowestScores.inGroup(index, g, scores, candidate, due[g])) {
                chosen[k++] = c;
                taken[c] = true;
                chosenPerGroup[g]++;
            }
        }
        int[] room = new int[groups];
        for (int g = 0; g < groups; g++) {
            room[g] =
                    bounds.capCount(index.prunableGroups().get(g).channels())
                            - before[g]
                            - chosenPerGroup[g];
        }
        int[] order =
                LowestScores.select(scores, c -> candidate.test(c) && !taken[c], scores.length);
        for (int c : order) {
            if (k == quota) {
                break;
            }
            int g = index.groupOf(c);
            if (room[g] > 0) {
                room[g]--;
                chosen[k++] = c;
            }
        }
        return Arrays.copyOf(chosen, k);
    }

    /**
     * Selects only the floors' dues of a period, with no quota to cut them to: what each group
     * still owes its floor, spread evenly over the periods left, its lowest-scoring candidates. A
     * MAC budget takes these first and spends the rest of the period's cost by {@link
     * MacBudgetSelection}.
     *
     * @param index the prunable channels
     * @param scores one score per global channel, lower is more redundant
     * @param candidate which global channels may be chosen
     * @param before the channels each prunable group lost before this period
     * @param periodsLeft the periods left, this one included, at least 1
     * @param bounds the floors and caps
     * @return the chosen global channel indices, group by group, each by ascending score, then
     *     index
     */
    public static int[] floorDues(
            ChannelIndex index,
            double[] scores,
            IntPredicate candidate,
            int[] before,
            int periodsLeft,
            GroupSparsityBounds bounds) {
        if (periodsLeft < 1) {
            throw new IllegalArgumentException("periodsLeft must be >= 1, got " + periodsLeft);
        }
        int[] due = dues(index, before, Integer.MAX_VALUE, periodsLeft, bounds);
        return IntStream.range(0, due.length)
                .flatMap(
                        g ->
                                IntStream.of(
                                        LowestScores.inGroup(index, g, scores, candidate, due[g])))
                .toArray();
    }

    /**
     * Each group's due this period: what it still owes its floor, spread over the periods left, cut
     * to the quota (furthest below the floor first).
     */
    static int[] dues(
            ChannelIndex index,
            int[] before,
            int quota,
            int periodsLeft,
            GroupSparsityBounds bounds) {
        int groups = before.length;
        int[] wanted = new int[groups];
        double[] deficit = new double[groups];
        for (int g = 0; g < groups; g++) {
            int n = index.prunableGroups().get(g).channels();
            int owed = Math.max(0, bounds.floorCount(n) - before[g]);
            wanted[g] = (owed + periodsLeft - 1) / periodsLeft;
            deficit[g] = (double) owed / n;
        }
        Integer[] byDeficit = new Integer[groups];
        for (int g = 0; g < groups; g++) {
            byDeficit[g] = g;
        }
        Arrays.sort(
                byDeficit,
                (a, b) ->
                        deficit[a] != deficit[b]
                                ? Double.compare(deficit[b], deficit[a])
                                : Integer.compare(a, b));
        int[] due = new int[groups];
        int left = quota;
        for (int g : byDeficit) {
            due[g] = Math.min(wanted[g], left);
            left -= due[g];
        }
        return due;
    }
}
