package ai.hesso.djl.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.GhostBatchNorm;
import ai.djl.nn.transformer.BertBlock;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.djl.discovery.UnsupportedBlockException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DJL's {@link GhostBatchNorm} is supported (its channels follow its input's producer and compact
 * like a batch norm's, its virtual batch size kept); DJL's {@link BertBlock} is refused with the
 * reason.
 */
class DjlNormAndBertIT {

    private static final Shape INPUT = new Shape(4, 5);

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
    void aGhostBatchNormFollowsItsProducerAndCompacts() {
        SequentialBlock model =
                new SequentialBlock()
                        .add(Linear.builder().setUnits(8).build())
                        .add(GhostBatchNorm.builder().optVirtualBatchSize(2).build())
                        .add(Activation::relu)
                        .add(Linear.builder().setUnits(3).build());
        Block block = CompactFixtures.init(model, manager, INPUT, 5);
        DiscoveryReport r = GroupDiscovery.builder().build().discover(block, INPUT);
        DiscoveredGroup first =
                r.group("01Linear").orElseThrow(() -> new AssertionError(r.format()));
        assertTrue(first.group().prunable(), first.group().reason());
        assertEquals(
                List.of(
                        "01Linear_weight",
                        "01Linear_bias",
                        "02GhostBatchNorm_gamma",
                        "02GhostBatchNorm_beta"),
                first.group().members().stream().map(m -> m.tensor()).toList());
        CompactFixtures.zero(block, first, 1, 6);
        NDArray x = CompactFixtures.input(manager, INPUT, 7);
        float[] before = CompactFixtures.forward(block, manager, x);
        try (CompactModel compact = Compaction.compactZeroChannels(block, r, INPUT)) {
            Block small = compact.model().getBlock();
            GhostBatchNorm norm =
                    assertInstanceOf(GhostBatchNorm.class, small.getChildren().get(1).getValue());
            assertEquals(
                    new Shape(6), norm.getParameters().get("runningMean").getArray().getShape());
            assertTrue(
                    CompactFixtures.maxAbsDiff(before, CompactFixtures.forward(small, manager, x))
                            < 1e-5);
            // 01Linear 5*6+6, norm 4*6, 04Linear 6*3+3; MACs 5*6 + 6 + 6*3
            assertEquals(36 + 24 + 21, compact.report().after().parameters());
            assertEquals(30 + 6 + 18, compact.report().after().macs());
        }
    }

    @Test
    void aBertBlockIsRefusedWithTheReason() {
        BertBlock bert =
                BertBlock.builder()
                        .setTokenDictionarySize(20)
                        .optTypeDictionarySize(2)
                        .optEmbeddingSize(8)
                        .optTransformerBlockCount(1)
                        .optAttentionHeadCount(2)
                        .optHiddenSize(12)
                        .optMaxSequenceLength(5)
                        .build();
        Shape ids = new Shape(2, 5);
        bert.initialize(manager, DataType.FLOAT32, ids, ids, ids);
        DiscoveryReport r = GroupDiscovery.builder().build().discover(bert, ids, ids, ids);
        assertEquals(List.of(), r.prunableGroups(), r.format());
        String reason = "keeps its encoders in a private List<TransformerEncoderBlock>";
        assertTrue(
                r.format().contains("no layer support for " + BertBlock.class.getName()),
                r.format());
        assertTrue(r.format().contains(reason), r.format());
        UnsupportedBlockException strict =
                assertThrows(
                        UnsupportedBlockException.class,
                        () ->
                                GroupDiscovery.builder()
                                        .optStrict(true)
                                        .build()
                                        .discover(bert, ids, ids, ids));
        assertTrue(strict.getMessage().contains(reason), strict.getMessage());
        CompactionException rebuild =
                assertThrows(
                        CompactionException.class,
                        () -> Compaction.compact(bert, r, java.util.Map.of(), ids, ids, ids));
        assertTrue(rebuild.getMessage().contains(reason), rebuild.getMessage());
    }
}
