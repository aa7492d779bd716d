package ai.hesso.examples.bench.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PerGroupRankingTest {

    private static final List<NodeGroup> GROUPS =
            List.of(
                    NodeGroup.prunable("a", 4, List.of(GroupMember.rows("a.w"))),
                    NodeGroup.prunable("b", 8, List.of(GroupMember.rows("b.w"))));

    private static final Map<String, double[]> SCORES =
            Map.of(
                    "a", new double[] {0.1, 0.2, 0.3, 0.4},
                    "b", new double[] {5, 4, 3, 2, 1, 6, 7, 8});

    @Test
    void everyGroupLosesTheSameFractionItsLowestScoresFirst() {
        // 6 of 12: half of each group; globally the four of a (all below b's) would go first
        Map<String, int[]> removal = PerGroupRanking.extend(GROUPS, SCORES, Map.of(), 6);
        assertArrayEquals(new int[] {0, 1}, removal.get("a"));
        assertArrayEquals(new int[] {1, 2, 3, 4}, removal.get("b"));
        Map<String, int[]> global = GlobalRanking.extend(SCORES, Map.of(), 6);
        assertEquals(3, global.get("a").length, "the global ranking takes a's three lowest");
    }

    @Test
    void aRemovalGrowsFromWhatIsRemovedAlready() {
        Map<String, int[]> first = PerGroupRanking.extend(GROUPS, SCORES, Map.of(), 3);
        // 3: b (1/8), a (1/4 = b's 2/8: a first), b (2/8): a {0}, b {4, 3}
        assertArrayEquals(new int[] {0}, first.get("a"));
        assertArrayEquals(new int[] {3, 4}, first.get("b"));
        Map<String, int[]> next = PerGroupRanking.extend(GROUPS, SCORES, first, 6);
        for (String g : List.of("a", "b")) {
            for (int c : first.get(g)) {
                assertTrue(java.util.Arrays.stream(next.get(g)).anyMatch(x -> x == c), g + " " + c);
            }
        }
        assertEquals(2, next.get("a").length);
        assertEquals(4, next.get("b").length);
    }

    @Test
    void aTotalThatWouldEmptyAGroupIsRefused() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> PerGroupRanking.extend(GROUPS, SCORES, Map.of(), 11));
        assertTrue(e.getMessage().contains("at most 10"), e.getMessage());
    }
}
