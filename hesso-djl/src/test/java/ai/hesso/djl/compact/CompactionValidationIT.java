package ai.hesso.djl.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.djl.discovery.LayerHandler;
import ai.hesso.djl.discovery.Trace;
import ai.hesso.fixtures.DiscoveryModels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Inconsistent input is refused with a message naming the group, parameter or block. */
class CompactionValidationIT {

    private static final Shape IMAGE = DiscoveryModels.IMAGE_INPUT;

    private NDManager manager;
    private Block vgg;
    private DiscoveryReport report;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
        vgg = CompactFixtures.init(DiscoveryModels.vgg(), manager, IMAGE, 5);
        report = GroupDiscovery.builder().build().discover(vgg, IMAGE);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static String fails(Class<? extends Throwable> type, Executable call) {
        return assertThrows(type, call).getMessage();
    }

    private void assertRefused(Map<String, int[]> removed, String... parts) {
        String message =
                fails(
                        IllegalArgumentException.class,
                        () -> Compaction.compact(vgg, report, removed, IMAGE));
        for (String part : parts) {
            assertTrue(message.contains(part), message);
        }
    }

    @Test
    void selectionMustMatchTheReportsGroups() {
        assertRefused(
                Map.of("07Conv2d", new int[] {0}),
                "unknown node group '07Conv2d'",
                "[01Conv2d, 04Conv2d, 09Linear, 11Linear]");
        assertRefused(
                Map.of("11Linear", new int[] {0}),
                "node group '11Linear' is unprunable",
                "feeds the network output");
        assertRefused(
                Map.of("04Conv2d", new int[] {1, 6}),
                "node group '04Conv2d' has 6 channels; channel 6 is out of range [0, 6)");
        assertRefused(Map.of("01Conv2d", new int[] {-1}), "channel -1 is out of range [0, 4)");
        assertRefused(
                Map.of("09Linear", new int[] {2, 2}),
                "node group '09Linear': channel 2 is listed twice");
        assertRefused(
                Map.of("01Conv2d", new int[] {0, 1, 2, 3}),
                "node group '01Conv2d': removing all 4 channels",
                "at least one must stay");
    }

    @Test
    void aChannelZeroInSomeMembersOnlyIsRefused() {
        // Zero channel 1's conv weight rows, but leave its bias and batch-norm rows alone.
        float[] w = vgg.getParameters().get("01Conv2d_weight").getArray().toFloatArray();
        int row = w.length / 4;
        java.util.Arrays.fill(w, row, 2 * row, 0f);
        vgg.getParameters().get("01Conv2d_weight").getArray().set(w);
        String message =
                fails(
                        IllegalArgumentException.class,
                        () -> Compaction.compactZeroChannels(vgg, report, IMAGE));
        assertEquals(
                "node group '01Conv2d', channel 1: its rows of '01Conv2d_weight' are zero but its"
                        + " rows of '01Conv2d_bias' are not; a pruned channel is zero in every"
                        + " member",
                message);
    }

    @Test
    void anUninitializedBlockIsRefused() {
        String message =
                fails(
                        IllegalStateException.class,
                        () -> Compaction.compact(DiscoveryModels.vgg(), report, Map.of(), IMAGE));
        assertTrue(message.contains("is not initialized"), message);
        assertTrue(message.contains("01Conv2d_weight"), message);
    }

    @Test
    void aReportOfAnotherModelIsRefused() {
        Block mlp =
                CompactFixtures.init(DiscoveryModels.mlp(), manager, DiscoveryModels.MLP_INPUT, 1);
        DiscoveryReport mlpReport =
                GroupDiscovery.builder().build().discover(mlp, DiscoveryModels.MLP_INPUT);
        String message =
                fails(
                        IllegalArgumentException.class,
                        () ->
                                Compaction.compact(
                                        vgg, mlpReport, Map.of("03Linear", new int[] {0}), IMAGE));
        assertTrue(message.contains("node group '03Linear'"), message);
        assertTrue(message.contains("parameter '03Linear_weight'"), message);
    }

    @Test
    void aBlockCompactionCannotRebuildIsNamed() {
        Shape input = DiscoveryModels.MLP_INPUT;
        Block block =
                CompactFixtures.init(
                        new SequentialBlock()
                                .add(Linear.builder().setUnits(8).build())
                                .add(Activation.reluBlock())
                                .add(new Scale())
                                .add(Linear.builder().setUnits(3).build()),
                        manager,
                        input,
                        2);
        DiscoveryReport r =
                GroupDiscovery.builder()
                        .optHandler(new ScaleHandler())
                        .build()
                        .discover(block, input);
        CompactionException e =
                assertThrows(
                        CompactionException.class,
                        () ->
                                Compaction.compact(
                                        block, r, Map.of("01Linear", new int[] {3}), input));
        assertEquals("03Scale", e.blockPath());
        assertTrue(e.getMessage().contains("cannot rebuild block 03Scale"), e.getMessage());
        assertTrue(e.getMessage().contains(Scale.class.getName()), e.getMessage());
    }

    /** Follows its input's channels, as a user teaches discovery. */
    static final class ScaleHandler implements LayerHandler {
        @Override
        public boolean supports(Block block) {
            return block instanceof Scale;
        }

        @Override
        public List<Trace> trace(Block block, String path, List<Trace> in, DiscoveryContext ctx) {
            Trace x = ctx.relayout(in.get(0), 1, path);
            return List.of(ctx.follow(x, block, path, x.shape(), List.of("scale"), List.of()));
        }
    }

    /** A custom block compaction does not know: a learned per-feature scale. */
    static final class Scale extends AbstractBlock {
        private final Parameter scale;

        Scale() {
            scale =
                    addParameter(
                            Parameter.builder()
                                    .setName("scale")
                                    .setType(Parameter.Type.GAMMA)
                                    .build());
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore store,
                NDList inputs,
                boolean training,
                PairList<String, Object> params) {
            return new NDList(
                    inputs.singletonOrThrow()
                            .mul(store.getValue(scale, inputs.head().getDevice(), training)));
        }

        @Override
        public void prepare(Shape[] inputShapes) {
            scale.setShape(new Shape(inputShapes[0].get(1)));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }

        @Override
        public void initializeChildBlocks(
                NDManager manager, DataType dataType, Shape... inputShapes) {}
    }
}
