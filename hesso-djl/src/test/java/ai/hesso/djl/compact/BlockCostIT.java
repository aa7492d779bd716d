package ai.hesso.djl.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.fixtures.DiscoveryModels;
import ai.hesso.fixtures.TinyModels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Parameter and MAC counts against numbers worked out by hand (the arithmetic is in the comments):
 * {@code TinyModels.smallCnn(10)} (conv, batch norm, max pool, flatten, linear) on one 1 x 28 x 28
 * image before and after compaction, a depthwise CNN and a transformer-style block applied per
 * token. What is counted is {@link BlockCost}'s Javadoc.
 */
class BlockCostIT {

    private static final Shape INPUT = new Shape(1, 1, 28, 28);

    private static final String CONV1 = "01SequentialBlock_01Conv2d";
    private static final String BN1 = "01SequentialBlock_02BatchNorm";
    private static final String CONV2 = "03SequentialBlock_01Conv2d";
    private static final String BN2 = "03SequentialBlock_02BatchNorm";
    private static final String HEAD = "06Linear";

    @Test
    void smallCnnCountsMatchTheHandArithmetic() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block cnn = CompactFixtures.init(TinyModels.smallCnn(10), manager, INPUT, 4);
            BlockCost cost = BlockCost.of(cnn, INPUT);
            assertEquals(
                    List.of(
                            // conv1 3x3 pad 1, 1 -> 8: weight 8*1*3*3 = 72 + bias 8 = 80;
                            // output 8*28*28 = 6272 values, each 1*3*3 = 9 MACs: 56448.
                            new LayerCost(CONV1, "Conv2d", 1, 8, 80, 56_448),
                            // bn1: gamma, beta, running mean, running var 4*8 = 32; one MAC per
                            // output value: 6272.
                            new LayerCost(BN1, "BatchNorm", 8, 8, 32, 6_272),
                            // maxpool -> 8x14x14. conv2 8 -> 16: 16*8*9 = 1152 + 16 = 1168;
                            // output 16*14*14 = 3136 values, each 8*9 = 72 MACs: 225792.
                            new LayerCost(CONV2, "Conv2d", 8, 16, 1_168, 225_792),
                            // bn2: 4*16 = 64; 3136 MACs.
                            new LayerCost(BN2, "BatchNorm", 16, 16, 64, 3_136),
                            // maxpool -> 16x7x7, flatten 784. Linear(10): 10*784 + 10 = 7850;
                            // 10 outputs * 784 = 7840 MACs.
                            new LayerCost(HEAD, "Linear", 784, 10, 7_850, 7_840)),
                    cost.layers());
            // 80 + 32 + 1168 + 64 + 7850
            assertEquals(9_194, cost.parameters());
            // 56448 + 6272 + 225792 + 3136 + 7840
            assertEquals(299_488, cost.macs());

            DiscoveryReport report = GroupDiscovery.builder().build().discover(cnn, INPUT);
            Map<String, int[]> removed =
                    Map.of(CONV1, new int[] {0, 1, 2}, CONV2, new int[] {0, 1, 2, 3, 4, 5, 6, 7});
            try (CompactModel compact = Compaction.compact(cnn, report, removed, INPUT)) {
                CompactionReport r = compact.report();
                assertEquals(
                        List.of(
                                // conv1 1 -> 5: 5*9 + 5 = 50; 5*784 = 3920 outputs * 9 = 35280.
                                new LayerCost(CONV1, "Conv2d", 1, 5, 50, 35_280),
                                // bn1: 4*5 = 20; 3920.
                                new LayerCost(BN1, "BatchNorm", 5, 5, 20, 3_920),
                                // conv2 5 -> 8: 8*5*9 = 360 + 8 = 368; 8*196 = 1568 outputs
                                // * 45 = 70560.
                                new LayerCost(CONV2, "Conv2d", 5, 8, 368, 70_560),
                                // bn2: 4*8 = 32; 1568.
                                new LayerCost(BN2, "BatchNorm", 8, 8, 32, 1_568),
                                // head reads 8*49 = 392: 3920 + 10 = 3930; 10*392 = 3920.
                                new LayerCost(HEAD, "Linear", 392, 10, 3_930, 3_920)),
                        r.after().layers());
                // 50 + 20 + 368 + 32 + 3930
                assertEquals(4_400, r.after().parameters());
                assertEquals(4_400, CompactFixtures.parameterCount(compact.model().getBlock()));
                // 35280 + 3920 + 70560 + 1568 + 3920
                assertEquals(115_248, r.after().macs());
                assertEquals(9_194, r.before().parameters());

                List<String> table =
                        r.format().lines().map(l -> l.trim().replaceAll("\\s+", " ")).toList();
                assertEquals(7, table.size(), r.format());
                assertEquals("layer kind in out parameters MACs", table.get(0));
                assertEquals(CONV1 + " Conv2d 1 8 -> 5 80 -> 50 56448 -> 35280", table.get(1));
                assertEquals(
                        HEAD + " Linear 784 -> 392 10 7850 -> 3930 7840 -> 3920", table.get(5));
                assertEquals(
                        "total parameters 9,194 -> 4,400 (47.9%), MACs per sample 299,488 ->"
                                + " 115,248 (38.5%)",
                        table.get(6));
            }
        }
    }

    @Test
    void depthwiseAndPerTokenCountsMatchTheHandArithmetic() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape image = CompactFixtures.DEPTHWISE_INPUT;
            Block depthwise = CompactFixtures.init(CompactFixtures.depthwise(), manager, image, 1);
            BlockCost cost = BlockCost.of(depthwise, image);
            assertEquals(
                    List.of(
                            // 3 -> 6, 3x3 pad 1 on 8x8: 6*3*9 + 6 = 168; 6*64 = 384 outputs
                            // * 27 = 10368.
                            new LayerCost("01Conv2d", "Conv2d", 3, 6, 168, 10_368),
                            new LayerCost("02BatchNorm", "BatchNorm", 6, 6, 24, 384),
                            // depthwise, groups 6: weight (6, 1, 3, 3) = 54 + 6 = 60; each of
                            // the 384 outputs reads one channel: 384 * 9 = 3456.
                            new LayerCost("04Conv2d", "Conv2d", 6, 6, 60, 3_456),
                            new LayerCost("05BatchNorm", "BatchNorm", 6, 6, 24, 384),
                            // 1x1, 6 -> 5: 30 + 5 = 35; 5*64 = 320 outputs * 6 = 1920.
                            new LayerCost("07Conv2d", "Conv2d", 6, 5, 35, 1_920),
                            // dropout, global average pool and flatten: 0 MACs, not listed.
                            // Linear 5 -> 3: 15 + 3 = 18; 3 * 5 = 15.
                            new LayerCost("12Linear", "Linear", 5, 3, 18, 15)),
                    cost.layers());
            // 168 + 24 + 60 + 24 + 35 + 18
            assertEquals(329, cost.parameters());
            // 10368 + 384 + 3456 + 384 + 1920 + 15
            assertEquals(16_527, cost.macs());

            Shape tokens = DiscoveryModels.TOKEN_INPUT;
            Block transformer =
                    CompactFixtures.init(DiscoveryModels.transformer(), manager, tokens, 1);
            String mlp = "02ParallelBlock_01SequentialBlock_";
            BlockCost t = BlockCost.of(transformer, tokens);
            assertEquals(
                    List.of(
                            // on (N, 3 tokens, 4): 8*4 + 8 = 40; 3*8 = 24 outputs * 4 = 96.
                            new LayerCost("01Linear", "Linear", 4, 8, 40, 96),
                            // gamma and beta of 8: 16; one MAC per output value: 24.
                            new LayerCost(mlp + "01LayerNorm", "LayerNorm", 8, 8, 16, 24),
                            // 16*8 + 16 = 144; 3*16 = 48 outputs * 8 = 384.
                            new LayerCost(mlp + "02Linear", "Linear", 8, 16, 144, 384),
                            // 8*16 + 8 = 136; 24 outputs * 16 = 384.
                            new LayerCost(mlp + "04Linear", "Linear", 16, 8, 136, 384),
                            // the residual add is the join's lambda: not counted.
                            // 2*8 + 2 = 18; 3*2 = 6 outputs * 8 = 48.
                            new LayerCost("03Linear", "Linear", 8, 2, 18, 48)),
                    t.layers());
            // 40 + 16 + 144 + 136 + 18
            assertEquals(354, t.parameters());
            // 96 + 24 + 384 + 384 + 48
            assertEquals(936, t.macs());
        }
    }
}
