package ai.hesso.djl.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.djl.engine.DjlFields;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every setting a built-in layer's builder takes, left at DJL's default or given, survives a
 * rebuild at a new width: the layer under test sits where a prunable group's channels pass through
 * it, two of them are zeroed and compacted away, and the rebuilt layer has the same class and the
 * same value of every setting (read from DJL's fields), and the compact model the zeroed model's
 * outputs.
 */
class BuilderSettingsIT {

    /** Settings read from DJL's fields: the declaring class and the field names. */
    private record Fields(Class<?> owner, String... names) {}

    private static final Fields CONV =
            new Fields(
                    Convolution.class,
                    "kernelShape",
                    "stride",
                    "padding",
                    "dilation",
                    "includeBias");
    private static final Fields LINEAR = new Fields(Linear.class);
    private static final Fields BATCH_NORM =
            new Fields(BatchNorm.class, "axis", "epsilon", "momentum", "center", "scale");
    private static final Fields LAYER_NORM =
            new Fields(LayerNorm.class, "axis", "epsilon", "center", "scale");
    private static final Fields DROPOUT = new Fields(Dropout.class, "rate");

    private static final Shape IMAGE = new Shape(2, 3, 8, 8);
    private static final Shape FEATURES = new Shape(2, 5);

    static Stream<Arguments> layers() {
        return Stream.of(
                conv(
                        "Conv2d, every default",
                        () -> Conv2d.builder().setKernelShape(new Shape(3, 3))),
                conv(
                        "Conv2d, no bias",
                        () -> Conv2d.builder().setKernelShape(new Shape(3, 3)).optBias(false)),
                conv(
                        "Conv2d, stride, padding, dilation",
                        () ->
                                Conv2d.builder()
                                        .setKernelShape(new Shape(3, 3))
                                        .optStride(new Shape(1, 2))
                                        .optPadding(new Shape(2, 1))
                                        .optDilation(new Shape(2, 1))),
                linear("Linear, every default", () -> Linear.builder().setUnits(6).build()),
                linear(
                        "Linear, no bias",
                        () -> Linear.builder().setUnits(6).optBias(false).build()),
                norm("BatchNorm, every default", BatchNorm.builder().build(), "01Conv2d"),
                // frozen beta and gamma keep the convolution before it whole (they would carry a
                // removed channel): the norm is rebuilt at its width, the next group is pruned
                norm(
                        "BatchNorm, no center, no scale, epsilon, momentum",
                        BatchNorm.builder()
                                .optCenter(false)
                                .optScale(false)
                                .optEpsilon(1e-3f)
                                .optMomentum(0.8f)
                                .build(),
                        "04Conv2d"),
                norm("BatchNorm, axis 1 given", BatchNorm.builder().optAxis(1).build(), "01Conv2d"),
                dense("LayerNorm, every default", LayerNorm.builder().build(), LAYER_NORM),
                dense(
                        "LayerNorm, axis, epsilon, no center",
                        LayerNorm.builder().axis(1).optEpsilon(1e-3f).optCenter(false).build(),
                        LAYER_NORM),
                dense("Dropout, every default", Dropout.builder().build(), DROPOUT),
                dense("Dropout, rate 0.3", Dropout.builder().optRate(0.3f).build(), DROPOUT));
    }

    /**
     * {@code Conv2d(8, 3x3) relu [conv under test, 6 filters] relu Conv2d(4) flatten Linear(3)}.
     */
    private static Arguments conv(String name, Supplier<Conv2d.Builder> layer) {
        return Arguments.of(
                name,
                (Supplier<Block>)
                        () ->
                                new SequentialBlock()
                                        .add(
                                                Conv2d.builder()
                                                        .setKernelShape(new Shape(3, 3))
                                                        .optPadding(new Shape(1, 1))
                                                        .setFilters(8)
                                                        .build())
                                        .add(Activation.reluBlock())
                                        .add(layer.get().setFilters(6).build())
                                        .add(Activation.reluBlock())
                                        .add(
                                                Conv2d.builder()
                                                        .setKernelShape(new Shape(1, 1))
                                                        .setFilters(4)
                                                        .build())
                                        .add(Blocks.batchFlattenBlock())
                                        .add(Linear.builder().setUnits(3).build()),
                2,
                "03Conv2d",
                CONV,
                IMAGE);
    }

    /** {@code Linear(8) relu [linear under test] relu Linear(3)}. */
    private static Arguments linear(String name, Supplier<Linear> layer) {
        return Arguments.of(
                name,
                (Supplier<Block>)
                        () ->
                                new SequentialBlock()
                                        .add(Linear.builder().setUnits(8).build())
                                        .add(Activation.reluBlock())
                                        .add(layer.get())
                                        .add(Activation.reluBlock())
                                        .add(Linear.builder().setUnits(3).build()),
                2,
                "03Linear",
                LINEAR,
                FEATURES);
    }

    /** {@code Conv2d(6) [norm under test] relu Conv2d(4) flatten Linear(3)}, one group pruned. */
    private static Arguments norm(String name, Block layer, String group) {
        return Arguments.of(
                name,
                (Supplier<Block>)
                        () ->
                                new SequentialBlock()
                                        .add(
                                                Conv2d.builder()
                                                        .setKernelShape(new Shape(3, 3))
                                                        .setFilters(6)
                                                        .build())
                                        .add(layer)
                                        .add(Activation.reluBlock())
                                        .add(
                                                Conv2d.builder()
                                                        .setKernelShape(new Shape(1, 1))
                                                        .setFilters(4)
                                                        .build())
                                        .add(Blocks.batchFlattenBlock())
                                        .add(Linear.builder().setUnits(3).build()),
                1,
                group,
                BATCH_NORM,
                IMAGE);
    }

    /**
     * {@code Linear(8) [layer under test] Linear(6) relu Linear(3)}: the layer keeps its width (a
     * layer norm mixes its channels, so no group passes through it) and is rebuilt with the rest.
     */
    private static Arguments dense(String name, Block layer, Fields fields) {
        return Arguments.of(
                name,
                (Supplier<Block>)
                        () ->
                                new SequentialBlock()
                                        .add(Linear.builder().setUnits(8).build())
                                        .add(layer)
                                        .add(Linear.builder().setUnits(6).build())
                                        .add(Activation.reluBlock())
                                        .add(Linear.builder().setUnits(3).build()),
                1,
                "03Linear",
                fields,
                FEATURES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void aRebuiltLayerKeepsEverySetting(
            String name, Supplier<Block> model, int index, String group, Fields fields, Shape input)
            throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = CompactFixtures.init(model.get(), manager, input, 5);
            DiscoveryReport report = GroupDiscovery.builder().build().discover(block, input);
            DiscoveredGroup g = report.group(group).orElseThrow();
            assertTrue(g.group().prunable(), group + " " + g.group().reason());
            CompactFixtures.zero(block, g, 1, 3);
            NDArray x = CompactFixtures.input(manager, input, 3);
            float[] zeroed = CompactFixtures.forward(block, manager, x);
            try (CompactModel compact = Compaction.compactZeroChannels(block, report, input)) {
                assertEquals(2, compact.selection().count());
                Block before = block.getChildren().get(index).getValue();
                Block after = compact.model().getBlock().getChildren().get(index).getValue();
                assertEquals(before.getClass(), after.getClass());
                assertEquals(
                        before.getParameters().keys(),
                        after.getParameters().keys(),
                        "the same parameters (bias, gamma, beta) exist");
                for (String field : fields.names()) {
                    Object was = DjlFields.read(before, fields.owner(), field);
                    Object is = DjlFields.read(after, fields.owner(), field);
                    assertTrue(same(was, is), field + ": was " + show(was) + ", is " + show(is));
                }
                float[] small = CompactFixtures.forward(compact.model().getBlock(), manager, x);
                double diff = CompactFixtures.maxAbsDiff(zeroed, small);
                assertFalse(Double.isNaN(diff));
                assertTrue(diff <= 1e-5, "compact vs zeroed " + diff);
            }
        }
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof int[] x && b instanceof int[] y) {
            return Arrays.equals(x, y);
        }
        return a == null ? b == null : a.equals(b);
    }

    private static String show(Object o) {
        return o instanceof int[] x ? Arrays.toString(x) : String.valueOf(o);
    }
}
