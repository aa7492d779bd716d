package ai.hesso.djl.compact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.transformer.TransformerEncoderBlock;
import ai.hesso.core.cost.LayerMacModel;
import ai.hesso.djl.cost.BlockMacs;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.djl.layers.CompactTransformerEncoderBlock;
import ai.hesso.fixtures.DiscoveryModels;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DJL's transformer encoder through compaction: the feed-forward hidden units are removed (the
 * encoder is rebuilt with its constructor at the new hidden width while every head stays), zero
 * attention heads are removed (the encoder becomes a {@code CompactTransformerEncoderBlock} with a
 * {@code CompactAttentionBlock}), the attention products are counted at the kept heads' width, and
 * the compact encoder is discovered and compacted again.
 */
class TransformerCompactionIT {

    private static final Shape INPUT = DiscoveryModels.SEQUENCE_INPUT;
    private static final String ENC = "02TransformerEncoderBlock_";
    private static final String HIDDEN = ENC + "03outputBlock_01Linear";
    private static final String ATT = ENC + "01selfAttention_";
    private static final String HEADS = ATT + "heads";

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void zeroFeedForwardUnitsAreCompactedCountedAndBudgeted() {
        Block block = CompactFixtures.init(DiscoveryModels.encoder(), manager, INPUT, 3);
        DiscoveryReport r = GroupDiscovery.builder().build().discover(block, INPUT);
        DiscoveredGroup hidden = r.group(HIDDEN).orElseThrow(() -> new AssertionError(r.format()));
        CompactFixtures.zero(block, hidden, 0, 5, 7);
        NDArray x = CompactFixtures.input(manager, INPUT, 11);
        float[] before = CompactFixtures.forward(block, manager, x);
        LayerMacModel budget = BlockMacs.of(block, r, INPUT);
        try (CompactModel compact = Compaction.compactZeroChannels(block, r, INPUT)) {
            assertArrayEquals(new int[] {0, 5, 7}, compact.selection().removed(HIDDEN));
            Block small = compact.model().getBlock();
            assertEquals(
                    new Shape(9, 8),
                    small.getParameters().get(HIDDEN + "_weight").getArray().getShape());
            assertEquals(
                    new Shape(8, 9),
                    small.getParameters()
                            .get(ENC + "03outputBlock_03Linear_weight")
                            .getArray()
                            .getShape());
            float[] after = CompactFixtures.forward(small, manager, x);
            assertTrue(CompactFixtures.maxAbsDiff(before, after) < 1e-5);

            // the attention products: 2 T S E = 2 * 5 * 5 * 8 per sample, unchanged
            LayerChange products =
                    compact.report().layers().stream()
                            .filter(c -> c.path().equals(ENC + "01selfAttention"))
                            .findFirst()
                            .orElseThrow(() -> new AssertionError(compact.report().format()));
            assertEquals(400, products.before().macs());
            assertEquals(400, products.after().macs());
            long predicted = budget.cost(g -> g.equals(HIDDEN) ? 9 : budget.groupWidths().get(g));
            assertEquals(compact.report().after().macs(), predicted);
        }
    }

    @Test
    void zeroHeadsAreCompactedIntoACompactEncoderCountedAndCompactedAgain() {
        Block block = CompactFixtures.init(DiscoveryModels.encoder(), manager, INPUT, 3);
        DiscoveryReport r = GroupDiscovery.builder().build().discover(block, INPUT);
        DiscoveredGroup heads = r.group(HEADS).orElseThrow(() -> new AssertionError(r.format()));
        assertTrue(heads.group().prunable(), heads.group().reason());
        CompactFixtures.zero(block, heads, 1, 3);
        CompactFixtures.zero(block, r.group(HIDDEN).orElseThrow(), 2);
        NDArray x = CompactFixtures.input(manager, INPUT, 11);
        float[] before = CompactFixtures.forward(block, manager, x);
        LayerMacModel budget = BlockMacs.of(block, r, INPUT);
        try (CompactModel compact = Compaction.compactZeroChannels(block, r, INPUT)) {
            assertArrayEquals(new int[] {1, 3}, compact.selection().removed(HEADS));
            Block small = compact.model().getBlock();
            Block encoder = small.getChildren().get(1).getValue();
            CompactTransformerEncoderBlock compactEncoder =
                    assertInstanceOf(CompactTransformerEncoderBlock.class, encoder);
            assertEquals(2, compactEncoder.getAttention().getHeadCount());
            assertEquals(2, compactEncoder.getAttention().getHeadSize());
            assertEquals(8, compactEncoder.getAttention().getEmbeddingSize());
            assertEquals(11, compactEncoder.getHiddenSize());
            // 2 heads of 2 units: Q, K, V have 4 rows, the result projection 4 columns
            for (String p : List.of("01keyProjection", "02queryProjection", "03valueProjection")) {
                assertEquals(new Shape(4, 8), shape(small, ATT + p + "_weight"));
                assertEquals(new Shape(4), shape(small, ATT + p + "_bias"));
            }
            assertEquals(new Shape(8, 4), shape(small, ATT + "04resultProjection_weight"));
            float[] after = CompactFixtures.forward(small, manager, x);
            assertTrue(CompactFixtures.maxAbsDiff(before, after) < 1e-5);

            // per sample, T = S = 5 tokens, embedding E = 8, N' H = 4 kept head units:
            // embedding 5*6*8 = 240; K, Q, V 3 * 5*8*4 = 480; products 2*5*5*4 = 200;
            // result 5*4*8 = 160; two batch norms 2 * 5*8 = 80; feed-forward 5*8*11 + 5*11*8
            // = 880; head 8*3 = 24
            assertEquals(240 + 480 + 200 + 160 + 80 + 880 + 24, compact.report().after().macs());
            // before: K, Q, V, result 4 * 5*8*8 = 1280, products 2*5*5*8 = 400, feed-forward
            // 2 * 5*8*12 = 960
            assertEquals(240 + 1280 + 400 + 80 + 960 + 24, compact.report().before().macs());
            // embedding 6*8+8; K, Q, V 3 * (8*4+4); result 4*8+8; norms 2 * 4*8 (gamma, beta,
            // running mean and variance); feed-forward 8*11+11 + 11*8+8; head 8*3+3
            long parameters = 56 + 108 + 40 + 64 + 99 + 96 + 27;
            assertEquals(parameters, compact.report().after().parameters());
            assertEquals(parameters, CompactFixtures.parameterCount(small));
            LayerChange products =
                    compact.report().layers().stream()
                            .filter(c -> c.path().equals(ENC + "01selfAttention"))
                            .findFirst()
                            .orElseThrow(() -> new AssertionError(compact.report().format()));
            assertEquals(400, products.before().macs());
            assertEquals(200, products.after().macs());
            long predicted =
                    budget.cost(
                            g ->
                                    g.equals(HEADS)
                                            ? 2
                                            : g.equals(HIDDEN) ? 11 : budget.groupWidths().get(g));
            assertEquals(compact.report().after().macs(), predicted);

            // the compact encoder is discovered and compacted again: one more head goes
            DiscoveryReport again = GroupDiscovery.builder().build().discover(small, INPUT);
            DiscoveredGroup kept =
                    again.group(HEADS).orElseThrow(() -> new AssertionError(again.format()));
            assertTrue(kept.group().prunable(), kept.group().reason());
            assertEquals(2, kept.group().channels());
            CompactFixtures.zero(small, kept, 0);
            float[] zeroedAgain = CompactFixtures.forward(small, manager, x);
            try (CompactModel smaller = Compaction.compactZeroChannels(small, again, INPUT)) {
                Block one = smaller.model().getBlock();
                assertEquals(new Shape(2, 8), shape(one, ATT + "02queryProjection_weight"));
                assertTrue(
                        CompactFixtures.maxAbsDiff(
                                        zeroedAgain, CompactFixtures.forward(one, manager, x))
                                < 1e-5);
                // products 2*5*5*2, K, Q, V 3 * 5*8*2, result 5*2*8
                assertEquals(240 + 240 + 100 + 80 + 80 + 880 + 24, smaller.report().after().macs());
            }
        }
    }

    @Test
    void keepingEveryHeadKeepsDjlsEncoder() {
        Block block = CompactFixtures.init(DiscoveryModels.encoder(), manager, INPUT, 3);
        DiscoveryReport r = GroupDiscovery.builder().build().discover(block, INPUT);
        CompactFixtures.zero(block, r.group(HIDDEN).orElseThrow(), 4);
        try (CompactModel compact = Compaction.compactZeroChannels(block, r, INPUT)) {
            assertInstanceOf(
                    TransformerEncoderBlock.class,
                    compact.model().getBlock().getChildren().get(1).getValue());
        }
    }

    private static Shape shape(Block block, String parameter) {
        return block.getParameters().get(parameter).getArray().getShape();
    }
}
