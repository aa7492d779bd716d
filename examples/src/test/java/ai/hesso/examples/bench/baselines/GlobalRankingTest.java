package ai.hesso.examples.bench.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.hesso.core.HessoSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Global selection across groups on hand-made scores. */
class GlobalRankingTest {

    private static Map<String, double[]> scores() {
        Map<String, double[]> s = new LinkedHashMap<>();
        s.put("a", new double[] {0.5, 0.1, 0.9});
        s.put("b", new double[] {0.2, 0.05});
        s.put("c", new double[] {0.3, 0.3, 0.01, 0.7});
        return s;
    }

    @Test
    void picksTheLowestScoresAcrossGroups() {
        // ascending: c2 0.01, b1 0.05, a1 0.1, b0 0.2 (would empty b: skipped), c0 0.3, c1 0.3
        Map<String, int[]> r = GlobalRanking.extend(scores(), Map.of(), 3);
        assertArrayEquals(new int[] {1}, r.get("a"));
        assertArrayEquals(new int[] {1}, r.get("b"));
        assertArrayEquals(new int[] {2}, r.get("c"));
    }

    @Test
    void neverEmptiesAGroupAndBreaksTiesByGroupThenChannel() {
        // the 4th pick would be b0 (0.2), b's last channel: c0 (0.3) comes first of the c0/c1 tie
        Map<String, int[]> r = GlobalRanking.extend(scores(), Map.of(), 4);
        assertArrayEquals(new int[] {1}, r.get("a"));
        assertArrayEquals(new int[] {1}, r.get("b"));
        assertArrayEquals(new int[] {0, 2}, r.get("c"));
        // the most that can go: 9 channels - 3 groups = 6; each group keeps its highest score
        Map<String, int[]> most = GlobalRanking.extend(scores(), Map.of(), 6);
        assertArrayEquals(new int[] {0, 1}, most.get("a"));
        assertArrayEquals(new int[] {1}, most.get("b"));
        assertArrayEquals(new int[] {0, 1, 2}, most.get("c"));
    }

    @Test
    void extendsAnEarlierRemovalWithoutTouchingIt() {
        // a0 is gone already although its score is not among the lowest; c2 and b1 join it
        Map<String, int[]> r = GlobalRanking.extend(scores(), Map.of("a", new int[] {0}), 3);
        assertArrayEquals(new int[] {0}, r.get("a"));
        assertArrayEquals(new int[] {1}, r.get("b"));
        assertArrayEquals(new int[] {2}, r.get("c"));
        assertEquals(3, r.values().stream().mapToInt(x -> x.length).sum());
    }

    @Test
    void rejectsCountsThatCannotBeMet() {
        assertThrows(
                IllegalArgumentException.class, () -> GlobalRanking.extend(scores(), Map.of(), 7));
        assertThrows(
                IllegalArgumentException.class,
                () -> GlobalRanking.extend(scores(), Map.of("a", new int[] {0, 1}), 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> GlobalRanking.extend(scores(), Map.of("z", new int[] {0}), 2));
        assertThrows(
                IllegalArgumentException.class,
                () -> GlobalRanking.extend(scores(), Map.of("a", new int[] {3}), 2));
    }

    @ParameterizedTest
    @CsvSource({"160, 0.5, 80", "160, 0.7, 112", "160, 0.9, 144", "7, 0.5, 3", "10, 0, 0"})
    void targetCountIsHessosTarget(int channels, double sparsity, int expected) {
        assertEquals(expected, GlobalRanking.targetCount(channels, sparsity));
        HessoSettings hesso =
                HessoSettings.builder()
                        .optTargetGroupSparsity(sparsity)
                        .setPruningSteps(10)
                        .build();
        assertEquals(hesso.targetChannels(channels), GlobalRanking.targetCount(channels, sparsity));
    }
}
