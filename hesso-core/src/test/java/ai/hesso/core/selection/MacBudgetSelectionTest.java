package ai.hesso.core.selection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.hesso.core.cost.ChannelCosts;
import ai.hesso.core.cost.ChannelShare;
import ai.hesso.core.cost.LayerMacModel;
import ai.hesso.core.cost.LayerMacs;
import ai.hesso.core.cost.Width;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Group A (3 channels) feeds group B (2 channels), which feeds a fixed output: {@code cost = 10 kA
 * + kA kB + 3 kB}, dense 30 + 6 + 6 = 42. An A channel saves {@code 10 + kB}, a B channel {@code kA
 * + 3}.
 */
class MacBudgetSelectionTest {

    private static ChannelCosts costs(int groupDivisible, int a, int b) {
        LayerMacModel model =
                new LayerMacModel(
                        List.of(
                                new LayerMacs("a", 10, Width.fixed(1), Width.of("A")),
                                new LayerMacs("b", 1, Width.of("A"), Width.of("B")),
                                new LayerMacs(
                                        "head",
                                        3,
                                        new Width(0, List.of(new ChannelShare("B", 1))),
                                        Width.fixed(1))),
                        Map.of("A", a, "B", b));
        List<NodeGroup> groups =
                List.of(
                        NodeGroup.prunable("A", a, List.of(GroupMember.rows("a"))),
                        NodeGroup.prunable("B", b, List.of(GroupMember.rows("b"))));
        return new ChannelCosts(model, new ChannelIndex(groups, groupDivisible));
    }

    /** A: 0.2, 0.9, 0.5 (global 0, 1, 2); B: 0.12, 0.3 (global 3, 4). */
    private static final double[] SCORES = {0.2, 0.9, 0.5, 0.12, 0.3};

    @Test
    void greedyByScorePerMacSavedWithRecomputation() {
        ChannelCosts costs = costs(1, 3, 2);
        assertEquals(42, costs.denseCost());
        int[] chosen = MacBudgetSelection.select(SCORES, c -> true, costs, new int[] {3, 2}, 20, 1);
        // move 1 at (3, 2), cost 42: A's channel 0 costs 0.2 / (10 + 2) = 0.0167, B's channel 3
        //   costs 0.12 / (3 + 3) = 0.02: take channel 0 -> (2, 2), cost 30
        // move 2: A's channel 2 costs 0.5 / 12 = 0.0417, B's channel 3 0.12 / (2 + 3) = 0.024:
        //   take channel 3 -> (2, 1), cost 20 + 2 + 3 = 25
        // move 3: B keeps its last channel; A's channel 2 saves 10 + 1 = 11 -> (1, 1), cost 14
        assertArrayEquals(new int[] {0, 3, 2}, chosen);
        assertEquals(14, costs.cost(new int[] {1, 1}));
        // plain lowest-score selection of three channels would take 3, 0, 4 instead
        assertArrayEquals(new int[] {3, 0, 4}, LowestScores.select(SCORES, c -> true, 3));
    }

    @Test
    void stopsAtTheFirstWidthsWithinTheTarget() {
        ChannelCosts costs = costs(1, 3, 2);
        // a target of 30 is met by the first move exactly
        assertArrayEquals(
                new int[] {0},
                MacBudgetSelection.select(SCORES, c -> true, costs, new int[] {3, 2}, 30, 1));
        // target 37: channel 0 has the best price per MAC (0.2 / 12 against 0.12 / 6) and
        // reaches the target, but so does channel 3 (42 - 6 = 36), which removes less saliency:
        // the walk ends with the cheapest move that reaches the target
        assertArrayEquals(
                new int[] {3},
                MacBudgetSelection.select(SCORES, c -> true, costs, new int[] {3, 2}, 37, 1));
        // already within the target: nothing
        assertArrayEquals(
                new int[] {},
                MacBudgetSelection.select(SCORES, c -> true, costs, new int[] {3, 2}, 42, 1));
        // out of reach: every move is taken (each group keeps one channel), cost 14
        assertArrayEquals(
                new int[] {0, 3, 2},
                MacBudgetSelection.select(SCORES, c -> true, costs, new int[] {3, 2}, 1, 1));
    }

    @Test
    void onlyCandidatesAreChosenAndKeptWidthsAreRespected() {
        ChannelCosts costs = costs(1, 3, 2);
        // channel 0 already gone (not a candidate), A kept at 2: cost 30; B's channel 3 costs
        // 0.12 / 5, A's channel 2 costs 0.5 / 12
        assertArrayEquals(
                new int[] {3},
                MacBudgetSelection.select(SCORES, c -> c != 0, costs, new int[] {2, 2}, 25, 1));
    }

    @Test
    void negativeScoresAreShiftedSoThatOnlyDifferencesCount() {
        ChannelCosts costs = costs(1, 3, 2);
        double[] shifted = new double[SCORES.length];
        double[] base = {0.0, 0.7, 0.3, 0.05, 0.1};
        for (int i = 0; i < base.length; i++) {
            shifted[i] = base[i] - 5;
        }
        assertArrayEquals(
                MacBudgetSelection.select(base, c -> true, costs, new int[] {3, 2}, 20, 1),
                MacBudgetSelection.select(shifted, c -> true, costs, new int[] {3, 2}, 20, 1));
    }

    @Test
    void groupDivisibleMovesKeepMultiplesOfQ() {
        // 10 channels, q = 4: 10 -> 8 -> 4, never below 4
        assertEquals(2, MacBudgetSelection.moveSize(10, 10, 4));
        assertEquals(4, MacBudgetSelection.moveSize(10, 8, 4));
        assertEquals(0, MacBudgetSelection.moveSize(10, 4, 4));
        assertEquals(1, MacBudgetSelection.moveSize(3, 3, 1));
        assertEquals(0, MacBudgetSelection.moveSize(3, 1, 1));

        // A 6 channels, B 4 channels, q = 2: cost 10 kA + kA kB + 3 kB = 60 + 24 + 12 = 96
        ChannelCosts costs = costs(2, 6, 4);
        double[] scores = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.05, 0.06, 0.9, 0.9};
        int[] chosen = MacBudgetSelection.select(scores, c -> true, costs, new int[] {6, 4}, 60, 2);
        // A's move (0, 1) costs 0.3 / (2 * (10 + 4)) = 0.0107; B's move (6, 7) costs
        // 0.11 / (2 * (6 + 3)) = 0.0061: B -> (6, 2), cost 60 + 12 + 6 = 78; B cannot go
        // below 2; A's move saves 2 * (10 + 2) = 24 -> (4, 2), cost 54
        assertArrayEquals(new int[] {6, 7, 0, 1}, chosen);
        assertEquals(54, costs.cost(new int[] {4, 2}));
    }

    @Test
    void aLeastWidthPerGroupIsNeverCrossed() {
        ChannelCosts costs = costs(1, 3, 2);
        // A may keep no fewer than 2: channel 0 first (as without the limit) -> (2, 2), cost 30;
        // A's next move would leave 1, so only B's channel 3 is offered (saving 2 + 3) -> (2, 1),
        // cost 25; no move is left and the target 20 stays out of reach
        assertArrayEquals(
                new int[] {0, 3},
                MacBudgetSelection.select(
                        SCORES, c -> true, costs, new int[] {3, 2}, 20, 1, new int[] {2, 0}));
        // B may not shrink: channel 0 -> (2, 2), cost 30; A's channel 2 saves 12 and reaches the
        // target -> (1, 2), cost 10 + 2 + 6 = 18
        assertArrayEquals(
                new int[] {0, 2},
                MacBudgetSelection.select(
                        SCORES, c -> true, costs, new int[] {3, 2}, 20, 1, new int[] {0, 2}));
        assertEquals(18, costs.cost(new int[] {1, 2}));
        // zeros are the plain walk
        assertArrayEquals(
                MacBudgetSelection.select(SCORES, c -> true, costs, new int[] {3, 2}, 20, 1),
                MacBudgetSelection.select(
                        SCORES, c -> true, costs, new int[] {3, 2}, 20, 1, new int[] {0, 0}));
    }
}
