package ai.hesso.djl.compact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.hesso.core.cost.LayerMacModel;
import ai.hesso.djl.cost.BlockMacs;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.fixtures.DiscoveryModels;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DJL's transformer encoder through compaction: the feed-forward hidden units are removed (the
 * encoder is rebuilt with its constructor at the new hidden width), the attention products are
 * counted, and the attention heads, which DJL's attention block cannot lose, are refused by name.
 */
class TransformerCompactionIT {

    private static final Shape INPUT = DiscoveryModels.SEQUENCE_INPUT;
    private static final String ENC = "02TransformerEncoderBlock_";
    private static final String HIDDEN = ENC + "03outputBlock_01Linear";

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
    void attentionHeadsAreUnprunableSoASelectionOfThemIsRefused() {
        Block block = CompactFixtures.init(DiscoveryModels.encoder(), manager, INPUT, 3);
        DiscoveryReport r = GroupDiscovery.builder().build().discover(block, INPUT);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                ChannelSelection.of(
                                        r, Map.of(ENC + "01selfAttention_heads", new int[] {1})));
        assertTrue(e.getMessage().contains("01selfAttention_heads"), e.getMessage());
    }
}
