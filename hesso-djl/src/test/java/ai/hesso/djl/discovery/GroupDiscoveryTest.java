package ai.hesso.djl.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import ai.hesso.fixtures.DiscoveryModels;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hand-written expected groups for the small fixture models, and every prunable group sane. */
class GroupDiscoveryTest {

    private static final String OUTPUT = "feeds the network output";

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private DiscoveryReport discover(Block block, Shape input) {
        Models.init(block, manager, input);
        DiscoveryReport report = GroupDiscovery.builder().build().discover(block, input);
        Models.assertDisjoint(report);
        List<SanityResult> results = SanityCheck.builder().build().check(block, report, input);
        assertEquals(report.prunableGroups().size(), results.size());
        for (SanityResult r : results) {
            assertTrue(r.passed(), r.toString());
            assertEquals(0.0, r.maxDifference(), r.toString());
        }
        return report;
    }

    private static void assertGroup(
            DiscoveryReport report,
            String name,
            int channels,
            boolean prunable,
            List<String> members,
            List<ParameterSlice> consumers) {
        DiscoveredGroup g = report.group(name).orElseThrow(() -> new AssertionError(name));
        assertEquals(channels, g.group().channels(), name);
        assertEquals(prunable, g.group().prunable(), name + ": " + g.group().reason());
        assertEquals(members, Models.members(g), name);
        assertEquals(consumers, g.consumers(), name);
    }

    private static ParameterSlice in(String parameter, long offset) {
        return new ParameterSlice(parameter, 1, offset, 1);
    }

    @Test
    void mlpHiddenLayersArePrunableAndTheHeadIsNot() {
        DiscoveryReport r = discover(DiscoveryModels.mlp(), DiscoveryModels.MLP_INPUT);
        assertEquals(3, r.groups().size());
        assertGroup(
                r,
                "01Linear",
                8,
                true,
                List.of("01Linear_weight", "01Linear_bias"),
                List.of(in("03Linear_weight", 0)));
        assertGroup(
                r,
                "03Linear",
                6,
                true,
                List.of("03Linear_weight", "03Linear_bias"),
                List.of(in("05Linear_weight", 0)));
        assertGroup(
                r, "05Linear", 3, false, List.of("05Linear_weight", "05Linear_bias"), List.of());
        assertTrue(r.group("05Linear").orElseThrow().group().reason().contains(OUTPUT));
        assertEquals(1, r.findings().size());
    }

    @Test
    void sigmoidBlocksItsProducerButTanhDoesNot() {
        DiscoveryReport r = discover(DiscoveryModels.mlpWithSigmoid(), DiscoveryModels.MLP_INPUT);
        DiscoveredGroup first = r.group("01Linear").orElseThrow();
        assertFalse(first.group().prunable());
        assertTrue(first.group().reason().contains("02LambdaBlock"), first.group().reason());
        assertTrue(r.group("03Linear").orElseThrow().group().prunable());
    }

    @Test
    void vggCouplesBatchNormAndMapsFlattenColumns() {
        DiscoveryReport r = discover(DiscoveryModels.vgg(), DiscoveryModels.IMAGE_INPUT);
        assertEquals(4, r.groups().size());
        assertGroup(
                r,
                "01Conv2d",
                4,
                true,
                List.of(
                        "01Conv2d_weight",
                        "01Conv2d_bias",
                        "02BatchNorm_gamma",
                        "02BatchNorm_beta"),
                List.of(in("04Conv2d_weight", 0)));
        assertEquals(
                List.of(
                        new ParameterSlice("02BatchNorm_runningMean", 0, 0, 1),
                        new ParameterSlice("02BatchNorm_runningVar", 0, 0, 1)),
                r.group("01Conv2d").orElseThrow().companions());
        // maxpool 2x2 on 8x8 leaves 4x4: channel c of the second conv feeds columns [16c, 16c+16).
        assertGroup(
                r,
                "04Conv2d",
                6,
                true,
                List.of(
                        "04Conv2d_weight",
                        "04Conv2d_bias",
                        "05BatchNorm_gamma",
                        "05BatchNorm_beta"),
                List.of(new ParameterSlice("09Linear_weight", 1, 0, 16)));
        ParameterSlice flat = r.group("04Conv2d").orElseThrow().consumers().get(0);
        assertEquals(32, flat.start(2));
        assertEquals(48, flat.end(2));
        assertGroup(
                r,
                "09Linear",
                5,
                true,
                List.of("09Linear_weight", "09Linear_bias"),
                List.of(in("11Linear_weight", 0)));
        assertFalse(r.group("11Linear").orElseThrow().group().prunable());
    }

    @Test
    void inceptionConcatenationGivesChannelOffsets() {
        DiscoveryReport r = discover(DiscoveryModels.inception(), DiscoveryModels.IMAGE_INPUT);
        String p = "03ParallelBlock_";
        assertEquals(7, r.groups().size());
        assertGroup(
                r,
                "01Conv2d",
                4,
                true,
                List.of("01Conv2d_weight", "01Conv2d_bias"),
                List.of(
                        in(p + "01SequentialBlock_01Conv2d_weight", 0),
                        in(p + "02SequentialBlock_01Conv2d_weight", 0),
                        in(p + "03SequentialBlock_02Conv2d_weight", 0)));
        assertGroup(
                r,
                p + "01SequentialBlock_01Conv2d",
                3,
                true,
                List.of(
                        p + "01SequentialBlock_01Conv2d_weight",
                        p + "01SequentialBlock_01Conv2d_bias"),
                List.of(in("04Conv2d_weight", 0)));
        assertGroup(
                r,
                p + "02SequentialBlock_01Conv2d",
                2,
                true,
                List.of(
                        p + "02SequentialBlock_01Conv2d_weight",
                        p + "02SequentialBlock_01Conv2d_bias"),
                List.of(in(p + "02SequentialBlock_03Conv2d_weight", 0)));
        assertGroup(
                r,
                p + "02SequentialBlock_03Conv2d",
                3,
                true,
                List.of(
                        p + "02SequentialBlock_03Conv2d_weight",
                        p + "02SequentialBlock_03Conv2d_bias"),
                List.of(in("04Conv2d_weight", 3)));
        assertGroup(
                r,
                p + "03SequentialBlock_02Conv2d",
                2,
                true,
                List.of(
                        p + "03SequentialBlock_02Conv2d_weight",
                        p + "03SequentialBlock_02Conv2d_bias"),
                List.of(in("04Conv2d_weight", 6)));
        assertGroup(
                r,
                "04Conv2d",
                4,
                true,
                List.of("04Conv2d_weight", "04Conv2d_bias"),
                List.of(in("08Linear_weight", 0)));
        assertFalse(r.group("08Linear").orElseThrow().group().prunable());
    }

    @Test
    void transformerHiddenUnitsArePrunableAndTheResidualStreamIsNot() {
        DiscoveryReport r = discover(DiscoveryModels.transformer(), DiscoveryModels.TOKEN_INPUT);
        String p = "02ParallelBlock_01SequentialBlock_";
        assertEquals(3, r.groups().size());
        assertGroup(
                r,
                p + "02Linear",
                16,
                true,
                List.of(p + "02Linear_weight", p + "02Linear_bias"),
                List.of(in(p + "04Linear_weight", 0)));
        DiscoveredGroup stream = r.group("01Linear").orElseThrow();
        assertGroup(
                r,
                "01Linear",
                8,
                false,
                List.of(
                        "01Linear_weight",
                        "01Linear_bias",
                        p + "01LayerNorm_gamma",
                        p + "01LayerNorm_beta",
                        p + "04Linear_weight",
                        p + "04Linear_bias"),
                List.of(in(p + "02Linear_weight", 0), in("03Linear_weight", 0)));
        assertTrue(stream.group().reason().contains("layer norm"), stream.group().reason());
        assertFalse(r.group("03Linear").orElseThrow().group().prunable());
    }

    @Test
    void unknownBlockIsReportedByDefaultAndThrowsInStrictMode() {
        Shape input = DiscoveryModels.MLP_INPUT;
        SequentialBlock block =
                new SequentialBlock()
                        .add(Linear.builder().setUnits(8).build())
                        .add(Activation.reluBlock())
                        .add(new Mystery())
                        .add(Linear.builder().setUnits(6).build())
                        .add(Activation.reluBlock())
                        .add(Linear.builder().setUnits(3).build());
        Models.init(block, manager, input);
        DiscoveryReport r = GroupDiscovery.builder().build().discover(block, input);
        DiscoveredGroup before = r.group("01Linear").orElseThrow();
        assertFalse(before.group().prunable());
        assertTrue(before.group().reason().contains("03Mystery"), before.group().reason());
        assertTrue(r.group("04Linear").orElseThrow().group().prunable());
        assertTrue(r.groupOf("03Mystery_scale").isEmpty());
        assertTrue(
                r.findings().stream()
                        .anyMatch(
                                f ->
                                        f.subject().equals("03Mystery")
                                                && f.message().contains("Mystery")),
                r.findings().toString());
        assertTrue(
                r.findings().stream().anyMatch(f -> f.subject().equals("03Mystery_scale")),
                r.findings().toString());

        UnsupportedBlockException e =
                assertThrows(
                        UnsupportedBlockException.class,
                        () ->
                                GroupDiscovery.builder()
                                        .optStrict(true)
                                        .build()
                                        .discover(block, input));
        assertEquals("03Mystery", e.blockPath());
        assertTrue(e.getMessage().contains("03Mystery"), e.getMessage());
        assertTrue(e.getMessage().contains("Mystery)"), e.getMessage());
    }

    @Test
    void optUnprunableBlocksGroupsByBlockOrParameterPath() {
        SequentialBlock block = DiscoveryModels.vgg();
        Models.init(block, manager, DiscoveryModels.IMAGE_INPUT);
        DiscoveryReport r =
                GroupDiscovery.builder()
                        .optUnprunable("02BatchNorm", "09Linear_bias")
                        .build()
                        .discover(block, DiscoveryModels.IMAGE_INPUT);
        DiscoveredGroup conv = r.group("01Conv2d").orElseThrow();
        assertFalse(conv.group().prunable());
        assertTrue(conv.group().reason().contains("marked unprunable by the user (02BatchNorm)"));
        assertFalse(r.group("09Linear").orElseThrow().group().prunable());
        assertTrue(r.group("04Conv2d").orElseThrow().group().prunable());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                GroupDiscovery.builder()
                                        .optUnprunable("07Conv2d")
                                        .build()
                                        .discover(block, DiscoveryModels.IMAGE_INPUT));
        assertTrue(e.getMessage().contains("07Conv2d"), e.getMessage());
    }

    @Test
    void uninitializedBlockIsRejected() {
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () ->
                                GroupDiscovery.builder()
                                        .build()
                                        .discover(
                                                DiscoveryModels.mlp(), DiscoveryModels.MLP_INPUT));
        assertTrue(e.getMessage().contains("not initialized"), e.getMessage());
    }

    /** A block no handler knows: multiplies by a learned per-feature scale. */
    static final class Mystery extends AbstractBlock {
        private final Parameter scale;

        Mystery() {
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
