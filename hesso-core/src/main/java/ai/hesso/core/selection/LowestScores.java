package ai.hesso.core.selection;

import ai.hesso.core.group.ChannelIndex;
import java.util.Comparator;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * Picks the lowest-scoring channels among candidates. Ties are broken by the lower global index, so
 * the same scores always give the same selection.
 */
public final class LowestScores {

    private LowestScores() {}

    /**
     * Returns the {@code count} lowest-scoring candidates, lowest score first.
     *
     * @param scores one score per global channel
     * @param candidate which channels may be chosen
     * @param count how many to choose, at least 0; fewer are returned when there are fewer
     *     candidates
     * @return the chosen global channel indices, ordered by ascending score, then index
     */
    public static int[] select(double[] scores, IntPredicate candidate, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        return IntStream.range(0, scores.length)
                .filter(candidate)
                .boxed()
                .sorted(byScoreThenIndex(scores))
                .limit(count)
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /**
     * Returns the {@code count} lowest-scoring candidates of one prunable group.
     *
     * @param index the prunable channels
     * @param group the position in the prunable groups
     * @param scores one score per global channel
     * @param candidate which global channels may be chosen
     * @param count how many to choose, at least 0
     * @return the chosen global channel indices, ordered by ascending score, then index
     */
    public static int[] inGroup(
            ChannelIndex index, int group, double[] scores, IntPredicate candidate, int count) {
        int offset = index.offset(group);
        int end = offset + index.prunableGroups().get(group).channels();
        return select(scores, c -> c >= offset && c < end && candidate.test(c), count);
    }

    /** Orders channel indices by ascending score, then ascending index. */
    private static Comparator<Integer> byScoreThenIndex(double[] scores) {
        return Comparator.<Integer>comparingDouble(i -> scores[i])
                .thenComparingInt(Integer::intValue);
    }
}
