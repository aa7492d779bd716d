package ai.hesso.djl.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.hesso.core.cost.ChannelCosts;
import ai.hesso.core.cost.LayerMacModel;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.djl.compact.BlockCost;
import ai.hesso.djl.compact.CompactModel;
import ai.hesso.djl.compact.Compaction;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.fixtures.TinyModels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BlockMacs}: the cost model of a block gives, for any channels removed, exactly the MACs
 * {@link BlockCost} counts on the compact model {@link Compaction} builds.
 */
class BlockMacsIT {

    private static final Shape IMAGE = new Shape(1, 1, 28, 28);
    private static final String CONV1 = "01SequentialBlock_01Conv2d";
    private static final String CONV2 = "03SequentialBlock_01Conv2d";

    @Test
    void smallCnnChannelCostsMatchTheHandArithmetic() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block cnn = TinyModels.smallCnn(10);
            cnn.initialize(manager, DataType.FLOAT32, IMAGE);
            DiscoveryReport report = GroupDiscovery.builder().build().discover(cnn, IMAGE);
            LayerMacModel model = BlockMacs.of(cnn, report, IMAGE);
            // BlockCostIT's layers: conv1 56448 + bn1 6272 + conv2 225792 + bn2 3136 + head 7840
            assertEquals(299_488, model.denseCost());
            // per layer: MACs / (input columns * output channels)
            // conv1: 56448 / (1 * 8) = 7056 = 28 * 28 positions * 3 * 3 kernel
            // bn1: 6272 / (1 * 8) = 784; conv2: 225792 / (8 * 16) = 1764 = 14 * 14 * 9;
            // bn2: 3136 / 16 = 196; head: 7840 / (784 * 10) = 1, reading 49 columns per channel
            assertEquals(
                    List.of(7_056L, 784L, 1_764L, 196L, 1L),
                    model.layers().stream().map(l -> l.coefficient()).toList());
            ChannelCosts costs = new ChannelCosts(model, new ChannelIndex(report.nodeGroups(), 1));
            int conv1 =
                    costs.index().prunableGroups().stream()
                            .map(g -> g.name())
                            .toList()
                            .indexOf(CONV1);
            int conv2 =
                    costs.index().prunableGroups().stream()
                            .map(g -> g.name())
                            .toList()
                            .indexOf(CONV2);
            int[] dense = costs.fullWidths();
            assertEquals(8, dense[conv1]);
            assertEquals(16, dense[conv2]);
            // a conv1 channel: its 9-tap filter at 784 positions (7056), its bn entry (784) and
            // its input column in all 16 conv2 filters (1764 * 16 = 28224)
            assertEquals(36_064, costs.saving(dense, conv1, 1));
            // a conv2 channel: its filter over 8 inputs (1764 * 8 = 14112), bn (196) and its 49
            // flattened columns in the 10 head units (490)
            assertEquals(14_798, costs.saving(dense, conv2, 1));
            // a 0.4 budget is at most floor(0.4 * 299488) = 119795 MACs. With conv1 8 -> 5 and
            // conv2 16 -> 8 (BlockCostIT's compaction): 5 * 7840 + 1764 * 5 * 8 + 8 * 686 =
            // 39200 + 70560 + 5488 = 115248 MACs, 0.3848 of dense
            int[] kept = dense.clone();
            kept[conv1] = 5;
            kept[conv2] = 8;
            assertEquals(115_248, costs.cost(kept));
            Map<String, int[]> removed =
                    Map.of(CONV1, new int[] {0, 1, 2}, CONV2, IntStream.range(0, 8).toArray());
            try (CompactModel compact = Compaction.compact(cnn, report, removed, IMAGE)) {
                assertEquals(115_248, compact.report().after().macs());
            }
        }
    }

    static Stream<CostModels.Case> models() {
        return CostModels.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void predictedMacsEqualTheCompactModelsCount(CostModels.Case model) {
        for (long seed = 1; seed <= 3; seed++) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Block block = model.factory().get();
                block.initialize(manager, DataType.FLOAT32, model.input());
                DiscoveryReport report =
                        GroupDiscovery.builder().build().discover(block, model.input());
                LayerMacModel cost = BlockMacs.of(block, report, model.input());
                assertEquals(BlockCost.of(block, model.input()).macs(), cost.denseCost());
                Map<String, int[]> removed = randomRemoval(report, seed);
                Map<String, Integer> kept = new LinkedHashMap<>(cost.groupWidths());
                removed.forEach(
                        (group, channels) -> kept.merge(group, -channels.length, Integer::sum));
                long predicted = cost.cost(kept::get);
                try (CompactModel compact =
                        Compaction.compact(block, report, removed, model.input())) {
                    assertEquals(compact.report().after().macs(), predicted, model.name());
                }
                assertTrue(removed.isEmpty() || predicted < cost.denseCost(), model.name());
            }
        }
    }

    /** Removes between 1 and n - 1 random channels of every prunable group. */
    private static Map<String, int[]> randomRemoval(DiscoveryReport report, long seed) {
        Random random = new Random(seed);
        Map<String, int[]> removed = new LinkedHashMap<>();
        for (DiscoveredGroup g : report.prunableGroups()) {
            int n = g.group().channels();
            if (n < 2) {
                continue;
            }
            List<Integer> all = new ArrayList<>(IntStream.range(0, n).boxed().toList());
            Collections.shuffle(all, random);
            int count = 1 + random.nextInt(n - 1);
            removed.put(
                    g.name(),
                    all.subList(0, count).stream().mapToInt(Integer::intValue).sorted().toArray());
        }
        return removed;
    }
}
