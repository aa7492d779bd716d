package ai.hesso.examples.bench.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.core.cost.LayerMacModel;
import ai.hesso.core.cost.LayerMacs;
import ai.hesso.core.cost.Width;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The budget search on a tiny hand-written cost model: a layer from the image to group A (4
 * channels, {@code 10 * 1 * a} MACs), a layer from A to group B (8 channels, {@code 5 * a * b}) and
 * a head from B to 2 outputs ({@code 1 * b * 2}): {@code cost(a, b) = 10a + 5ab + 2b}, dense 216.
 */
class MacBudgetTest {

    private static final List<NodeGroup> GROUPS =
            List.of(
                    NodeGroup.prunable("A", 4, List.of(GroupMember.rows("A.w"))),
                    NodeGroup.prunable("B", 8, List.of(GroupMember.rows("B.w"))));

    private static MacBudget budget() {
        Map<String, Integer> widths = new LinkedHashMap<>();
        widths.put("A", 4);
        widths.put("B", 8);
        LayerMacModel model =
                new LayerMacModel(
                        List.of(
                                new LayerMacs("a", 10, Width.fixed(1), Width.of("A")),
                                new LayerMacs("b", 5, Width.of("A"), Width.of("B")),
                                new LayerMacs("head", 1, Width.of("B"), Width.fixed(2))),
                        widths);
        return new MacBudget(model, GROUPS);
    }

    private static int[] kept(Map<String, int[]> removed) {
        return new int[] {4 - removed.get("A").length, 8 - removed.get("B").length};
    }

    @Test
    void theSplitRemovesTheSameFractionFromEachGroupChannelByChannel() {
        MacBudget b = budget();
        assertEquals(216, b.denseCost());
        assertEquals(10, b.mostRemovable());
        // water-filling: B (1/8), A (1/4 ties B's 2/8: A first), B, B, A, B, B, A
        int[][] widths = {{4, 8}, {4, 7}, {3, 7}, {3, 6}, {3, 5}, {2, 5}, {2, 4}, {2, 3}, {1, 3}};
        long[] costs = {216, 194, 149, 132, 115, 80, 68, 56, 31};
        for (int k = 0; k < widths.length; k++) {
            Map<String, int[]> split = b.perGroupSplit(k);
            assertArrayEquals(widths[k], kept(split), "K = " + k);
            assertEquals(costs[k], b.cost(split), "K = " + k);
        }
    }

    @Test
    void perGroupCountIsTheSmallestCountThatMeetsTheBudget() {
        MacBudget b = budget();
        // 0.5: at most floor(108) = 108 MACs: K = 5 costs 80, K = 4 (one channel more) 115
        assertEquals(108, b.target(0.5));
        assertEquals(5, b.perGroupCount(0.5));
        assertTrue(b.cost(b.perGroupSplit(5)) <= 108);
        assertTrue(b.cost(b.perGroupSplit(4)) > 108);
        // 0.3: at most 64: K = 7 costs 56, K = 6 costs 68
        assertEquals(7, b.perGroupCount(0.3));
        // 0.9: at most 194: K = 1 exactly meets it
        assertEquals(1, b.perGroupCount(0.9));
    }

    @Test
    void anUnreachableBudgetNamesTheSmallestReachableCost() {
        // all but one channel per group: (1, 1) costs 10 + 5 + 2 = 17 > floor(0.05 * 216) = 10
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> budget().perGroupCount(0.05));
        assertTrue(e.getMessage().contains("leaves 17 of 216 MACs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> budget().target(1.0));
    }

    @Test
    void theGlobalRankingIsExtendedUntilTheCostModelMeetsTheGoal() {
        MacBudget b = budget();
        Map<String, double[]> raw = new LinkedHashMap<>();
        raw.put("A", new double[] {1, 2, 3, 6});
        raw.put("B", new double[] {10, 20, 40, 40, 50, 60, 70, 70});
        // normalised by group mean (3 and 45): A {1/3, 2/3, 1, 2}, B {2/9, 4/9, 8/9, 8/9, ...}
        Map<String, double[]> norm = MeanNormalization.apply(raw, Map.of());
        assertArrayEquals(new double[] {1.0 / 3, 2.0 / 3, 1, 2}, norm.get("A"), 1e-12);
        assertArrayEquals(
                new double[] {
                    2.0 / 9, 4.0 / 9, 8.0 / 9, 8.0 / 9, 10.0 / 9, 12.0 / 9, 14.0 / 9, 14.0 / 9
                },
                norm.get("B"),
                1e-12);
        // order B0, A0, B1, A1: costs 194, 149, 132, 92; a goal of 100 stops after A1
        Map<String, int[]> normalised = b.extendGlobally(norm, Map.of(), 100);
        assertArrayEquals(new int[] {0, 1}, normalised.get("A"));
        assertArrayEquals(new int[] {0, 1}, normalised.get("B"));
        assertEquals(92, b.cost(normalised));
        // unnormalised, the small-scale group A goes first: A0 (166), A1 (116), A2 (66)
        Map<String, int[]> rawRemoval = b.extendGlobally(raw, Map.of(), 100);
        assertArrayEquals(new int[] {0, 1, 2}, rawRemoval.get("A"));
        assertArrayEquals(new int[] {}, rawRemoval.get("B"));
        assertEquals(66, b.cost(rawRemoval));
        // a removal that already meets the goal is kept as it is
        assertEquals(92, b.cost(b.extendGlobally(norm, normalised, 120)));
    }

    @Test
    void theMeanLeavesRemovedChannelsOut() {
        Map<String, double[]> raw = Map.of("A", new double[] {1, 2, 3, 6});
        // A0 removed: the mean of {2, 3, 6} is 11/3
        Map<String, double[]> n = MeanNormalization.apply(raw, Map.of("A", new int[] {0}));
        assertArrayEquals(new double[] {0, 6.0 / 11, 9.0 / 11, 18.0 / 11}, n.get("A"), 1e-12);
    }

    @Test
    void aCostModelWithoutTheGroupsIsRefused() {
        LayerMacModel other =
                new LayerMacModel(
                        List.of(new LayerMacs("x", 1, Width.fixed(1), Width.of("C"))),
                        Map.of("C", 3));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new MacBudget(other, GROUPS));
        assertTrue(e.getMessage().contains("'A'"), e.getMessage());
    }
}
