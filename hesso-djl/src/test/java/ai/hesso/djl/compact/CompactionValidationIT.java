package ai.hesso.djl.compact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
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
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.fixtures.DiscoveryModels;
import ai.hesso.fixtures.ParameterValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Inconsistent input is refused with a message naming the group, parameter or block, and nothing is
 * half-built: after every refusal the original block's parameters are what they were.
 */
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

    /** Checks that a failed compaction left every parameter of the block as it was. */
    private static void assertUntouched(Block block, Map<String, float[]> before) {
        Map<String, float[]> after = CompactFixtures.snapshot(block);
        assertEquals(before.keySet(), after.keySet());
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k));
    }

    private void assertRefused(Map<String, int[]> removed, String message) {
        Map<String, float[]> before = CompactFixtures.snapshot(vgg);
        assertEquals(
                message,
                fails(
                        IllegalArgumentException.class,
                        () -> Compaction.compact(vgg, report, removed, IMAGE)));
        assertUntouched(vgg, before);
    }

    @Test
    void selectionMustMatchTheReportsGroups() {
        assertRefused(
                Map.of("07Conv2d", new int[] {0}),
                "unknown node group '07Conv2d'; the report's groups are [01Conv2d, 04Conv2d,"
                        + " 09Linear, 11Linear]");
        assertRefused(
                Map.of("11Linear", new int[] {0}),
                "node group '11Linear' is unprunable ("
                        + report.group("11Linear").orElseThrow().group().reason()
                        + "); only prunable groups can lose channels");
        assertTrue(
                report.group("11Linear")
                        .orElseThrow()
                        .group()
                        .reason()
                        .contains("feeds the network output"));
        assertRefused(
                Map.of("04Conv2d", new int[] {1, 6}),
                "node group '04Conv2d' has 6 channels; channel 6 is out of range [0, 6)");
        assertRefused(
                Map.of("01Conv2d", new int[] {-1}),
                "node group '01Conv2d' has 4 channels; channel -1 is out of range [0, 4)");
        assertRefused(
                Map.of("09Linear", new int[] {2, 2}),
                "node group '09Linear': channel 2 is listed twice");
        assertRefused(
                Map.of("01Conv2d", new int[] {0, 1, 2, 3}),
                "node group '01Conv2d': removing all 4 channels would leave the layer empty; at"
                        + " least one must stay");
    }

    @Test
    void aChannelZeroInSomeMembersOnlyIsRefused() {
        // Zero channel 1's conv weight rows, but leave its bias and batch-norm rows alone.
        zeroRow("01Conv2d_weight", 1, 4);
        Map<String, float[]> before = CompactFixtures.snapshot(vgg);
        assertEquals(
                "node group '01Conv2d', channel 1: its rows of '01Conv2d_weight' are zero but its"
                        + " rows of '01Conv2d_bias' are not; a pruned channel is zero in every"
                        + " member",
                fails(
                        IllegalArgumentException.class,
                        () -> Compaction.compactZeroChannels(vgg, report, IMAGE)));
        assertUntouched(vgg, before);

        // Now weight and bias rows are zero, the batch norm's gamma is not.
        zeroRow("01Conv2d_bias", 1, 4);
        assertEquals(
                "node group '01Conv2d', channel 1: its rows of '01Conv2d_weight' are zero but its"
                        + " rows of '02BatchNorm_gamma' are not; a pruned channel is zero in every"
                        + " member",
                fails(
                        IllegalArgumentException.class,
                        () -> ChannelSelection.zeroChannels(vgg, report)));
    }

    private void zeroRow(String parameter, int channel, int channels) {
        NDArray array = vgg.getParameters().get(parameter).getArray();
        float[] values = array.toFloatArray();
        int row = values.length / channels;
        Arrays.fill(values, channel * row, (channel + 1) * row, 0f);
        ParameterValues.set(array, values);
    }

    @Test
    void anUninitializedBlockIsRefused() {
        String expected =
                "block SequentialBlock is not initialized (parameter 01Conv2d_weight has no"
                        + " array); call block.initialize(manager, dataType, inputShapes) or load"
                        + " the model first";
        assertEquals(
                expected,
                fails(
                        IllegalStateException.class,
                        () -> Compaction.compact(DiscoveryModels.vgg(), report, Map.of(), IMAGE)));
        assertEquals(
                expected,
                fails(
                        IllegalStateException.class,
                        () ->
                                Compaction.compactZeroChannels(
                                        DiscoveryModels.vgg(), report, IMAGE)));
    }

    @Test
    void aReportOfAnotherModelIsRefused() {
        Block mlp =
                CompactFixtures.init(DiscoveryModels.mlp(), manager, DiscoveryModels.MLP_INPUT, 1);
        DiscoveryReport mlpReport =
                GroupDiscovery.builder().build().discover(mlp, DiscoveryModels.MLP_INPUT);
        Map<String, float[]> before = CompactFixtures.snapshot(vgg);
        assertEquals(
                "node group '03Linear' names parameter '03Linear_weight', which the block does not"
                        + " have (or has not initialized); was the report made for this block?",
                fails(
                        IllegalArgumentException.class,
                        () ->
                                Compaction.compact(
                                        vgg, mlpReport, Map.of("03Linear", new int[] {0}), IMAGE)));
        assertUntouched(vgg, before);
    }

    @Test
    void aBlockCompactionCannotRebuildIsNamed() {
        Shape input = DiscoveryModels.MLP_INPUT;
        // Linear(8) relu Scale Linear(6) relu Linear(3): no support knows the Scale
        Block block =
                CompactFixtures.init(
                        new SequentialBlock()
                                .add(Linear.builder().setUnits(8).build())
                                .add(Activation.reluBlock())
                                .add(new Scale())
                                .add(Linear.builder().setUnits(6).build())
                                .add(Activation.reluBlock())
                                .add(Linear.builder().setUnits(3).build()),
                        manager,
                        input,
                        2);
        DiscoveryReport r = GroupDiscovery.builder().build().discover(block, input);
        Map<String, float[]> before = CompactFixtures.snapshot(block);
        String expected =
                "cannot rebuild block 03Scale ("
                        + Scale.class.getName()
                        + "): no layer support for its class (exact classes); register one with"
                        + " GroupDiscovery.builder().optLayer(..)";
        // a group the unknown block does not touch still needs every block rebuilt
        CompactionException e =
                assertThrows(
                        CompactionException.class,
                        () ->
                                Compaction.compact(
                                        block, r, Map.of("04Linear", new int[] {0, 5}), input));
        assertEquals("03Scale", e.blockPath());
        assertEquals(expected, e.getMessage());
        assertUntouched(block, before);
    }

    @Test
    void aFailureAfterBuildingClosesWhatWasBuilt() {
        // A report that forgets 01Conv2d's consumer: the rebuilt 04Conv2d reads 3 channels, but
        // nothing cuts the original's input slice, so the copy finds 4.
        List<DiscoveredGroup> groups = new ArrayList<>();
        for (DiscoveredGroup g : report.groups()) {
            groups.add(
                    g.name().equals("01Conv2d")
                            ? new DiscoveredGroup(g.group(), List.of(), g.companions(), g.blocks())
                            : g);
        }
        DiscoveryReport forgetful = new DiscoveryReport(groups, report.findings());
        Map<String, float[]> before = CompactFixtures.snapshot(vgg);
        // every model's manager is a child of the engine's system manager
        NDManager system = manager.getParentManager();
        int arrays = system.getManagedArrays().size();
        CompactionException e =
                assertThrows(
                        CompactionException.class,
                        () ->
                                Compaction.compact(
                                        vgg, forgetful, Map.of("01Conv2d", new int[] {0}), IMAGE));
        assertEquals("04Conv2d", e.blockPath());
        assertEquals(
                "parameter 04Conv2d_weight: the kept values have shape (6, 4, 3, 3) but the rebuilt"
                        + " layer's parameter has shape (6, 3, 3, 3)",
                e.getMessage());
        assertEquals(arrays, system.getManagedArrays().size(), "the new model was closed");
        assertUntouched(vgg, before);
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
