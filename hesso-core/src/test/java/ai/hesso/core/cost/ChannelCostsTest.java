package ai.hesso.core.cost;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cost of a small CNN, {@code conv1(1 -> 8, 3x3 pad 1) BN pool conv2(8 -> 16, 3x3 pad 1) BN
 * pool flatten Linear(784 -> 10)} on a 1 x 28 x 28 image (the numbers of {@code BlockCostIT}),
 * written as layer terms by hand.
 */
class ChannelCostsTest {

    /** The five layers: conv1 and bn1 at 28 x 28, conv2 and bn2 at 14 x 14, the head. */
    static LayerMacModel smallCnn() {
        return new LayerMacModel(
                List.of(
                        // 28*28 positions * 3*3 kernel = 7056 MACs per input and output channel
                        new LayerMacs("conv1", 7_056, Width.fixed(1), Width.of("conv1")),
                        // one MAC per output value: 784 per channel
                        new LayerMacs("bn1", 784, Width.fixed(1), Width.of("conv1")),
                        // 14*14 * 3*3 = 1764
                        new LayerMacs("conv2", 1_764, Width.of("conv1"), Width.of("conv2")),
                        new LayerMacs("bn2", 196, Width.fixed(1), Width.of("conv2")),
                        // the head reads 7*7 = 49 columns per conv2 channel, 10 outputs
                        new LayerMacs(
                                "head",
                                1,
                                new Width(0, List.of(new ChannelShare("conv2", 49))),
                                Width.fixed(10))),
                Map.of("conv1", 8, "conv2", 16));
    }

    static List<NodeGroup> smallCnnGroups() {
        return List.of(
                NodeGroup.prunable("conv1", 8, List.of(GroupMember.rows("conv1.w"))),
                NodeGroup.prunable("conv2", 16, List.of(GroupMember.rows("conv2.w"))),
                NodeGroup.unprunable("head", 10, List.of(GroupMember.rows("head.w")), "output"));
    }

    @Test
    void denseCostIsTheSumOfTheLayers() {
        // 56448 + 6272 + 225792 + 3136 + 7840 (BlockCostIT's per-layer numbers)
        assertEquals(299_488, smallCnn().denseCost());
        ChannelCosts costs = new ChannelCosts(smallCnn(), new ChannelIndex(smallCnnGroups(), 1));
        assertEquals(299_488, costs.denseCost());
        assertArrayEquals(new int[] {8, 16}, costs.fullWidths());
    }

    @Test
    void aChannelSavesItsFiltersAndItsConsumersColumns() {
        ChannelCosts costs = new ChannelCosts(smallCnn(), new ChannelIndex(smallCnnGroups(), 1));
        int[] dense = {8, 16};
        // conv1 channel: its filter 7056 + its bn entry 784 + conv2's input column 1764 * 16
        assertEquals(7_056 + 784 + 28_224, costs.saving(dense, 0, 1));
        assertEquals(36_064, costs.saving(dense, 0, 1));
        // conv2 channel: its filter 1764 * 8 + bn 196 + the head's 49 columns * 10 outputs
        assertEquals(14_112 + 196 + 490, costs.saving(dense, 1, 1));
        // with 8 conv2 filters removed, a conv1 channel's column in conv2 costs 1764 * 8 only
        assertEquals(7_056 + 784 + 14_112, costs.saving(new int[] {8, 8}, 0, 1));
        // the compaction in BlockCostIT (conv1 8 -> 5, conv2 16 -> 8) leaves 115248 MACs
        assertEquals(115_248, costs.cost(new int[] {5, 8}));
        // every group at one channel: 7056 + 784 + 1764 + 196 + 490
        assertEquals(10_290, costs.minimumCost(1));
        // groupDivisible 4: 4 * 7056 + 4 * 784 + 1764 * 16 + 4 * 196 + 4 * 490
        assertEquals(28_224 + 3_136 + 28_224 + 784 + 1_960, costs.minimumCost(4));
    }

    @Test
    void leastWidthsAreTheSmallestReachableMultiplesAboveTheLimit() {
        // conv1 8 channels, conv2 16 (smallCnn)
        ChannelCosts one = new ChannelCosts(smallCnn(), new ChannelIndex(smallCnnGroups(), 1));
        assertArrayEquals(new int[] {1, 1}, one.leastWidths(1, new int[] {0, 0}));
        assertArrayEquals(new int[] {3, 9}, one.leastWidths(1, new int[] {3, 9}));
        assertEquals(one.minimumCost(1), one.cost(one.leastWidths(1, new int[2])));
        // q = 4: 8 -> 4, 16 -> 12 -> 8 -> 4; at least 5 means 8 for conv1 (its full width) and
        // conv2; at least 13 leaves conv2 at 16 (12 is too few)
        ChannelCosts four = new ChannelCosts(smallCnn(), new ChannelIndex(smallCnnGroups(), 4));
        assertArrayEquals(new int[] {4, 4}, four.leastWidths(4, new int[] {0, 0}));
        assertArrayEquals(new int[] {8, 8}, four.leastWidths(4, new int[] {5, 5}));
        assertArrayEquals(new int[] {8, 16}, four.leastWidths(4, new int[] {6, 13}));
        assertThrows(IllegalArgumentException.class, () -> four.leastWidths(4, new int[1]));
    }

    @Test
    void aGroupTooSmallToPruneKeepsItsFullWidth() {
        // with groupDivisible 8, conv1 (8 channels) is not prunable: only conv2 has a width
        ChannelCosts costs = new ChannelCosts(smallCnn(), new ChannelIndex(smallCnnGroups(), 8));
        assertEquals(1, costs.fullWidths().length);
        // conv2 at 8 channels: 56448 + 6272 + 1764 * 8 * 8 + 196 * 8 + 49 * 8 * 10
        assertEquals(56_448 + 6_272 + 112_896 + 1_568 + 3_920, costs.cost(new int[] {8}));
    }

    @Test
    void aCostModelOfAnotherModelIsRefused() {
        List<NodeGroup> wider =
                List.of(
                        NodeGroup.prunable("conv1", 9, List.of(GroupMember.rows("conv1.w"))),
                        NodeGroup.prunable("conv2", 16, List.of(GroupMember.rows("conv2.w"))));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new ChannelCosts(smallCnn(), new ChannelIndex(wider, 1)));
        assertTrue(e.getMessage().contains("'conv1' 8 channels"), e.getMessage());
        assertTrue(e.getMessage().contains("give it 9"), e.getMessage());
        IllegalArgumentException unknown =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new LayerMacModel(
                                        List.of(
                                                new LayerMacs(
                                                        "x",
                                                        1,
                                                        Width.fixed(1),
                                                        Width.of("nowhere"))),
                                        Map.of()));
        assertTrue(unknown.getMessage().contains("'nowhere'"), unknown.getMessage());
    }
}
