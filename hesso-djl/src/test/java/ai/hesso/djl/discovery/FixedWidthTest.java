package ai.hesso.djl.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.basicmodelzoo.cv.classification.MobileNetV2;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A lambda that only works at the traced width (a reshape to a hard-coded channel count) leaves the
 * producers it reads unprunable with the reason; the same lambda written width-free does not.
 */
class FixedWidthTest {

    private static final Shape INPUT = new Shape(2, 3, 6, 6);

    /**
     * {@code Conv(6) BN relu Conv1x1(5) relu globalAvgPool reshape flatten Linear(3)}: {@code
     * reshape} gets the pooled {@code (N, 5, 1, 1)}.
     */
    private static Block pooled(Function<NDArray, NDArray> reshape) {
        return new SequentialBlock()
                .add(conv(6, 3))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(conv(5, 1))
                .add(Activation.reluBlock())
                .add(Pool.globalAvgPool2dBlock())
                .add(new LambdaBlock(in -> new NDList(reshape.apply(in.singletonOrThrow()))))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(3).build());
    }

    /** {@code Conv(6) BN relu Conv1x1(4) relu flatten Linear(3)} with the given flatten. */
    private static Block flattened(Function<NDArray, NDArray> flatten) {
        return new SequentialBlock()
                .add(conv(6, 3))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(conv(4, 1))
                .add(Activation.reluBlock())
                .add(new LambdaBlock(in -> new NDList(flatten.apply(in.singletonOrThrow()))))
                .add(Linear.builder().setUnits(3).build());
    }

    private static Conv2d conv(int filters, int kernel) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .build();
    }

    private static DiscoveryReport discover(Block block, Shape input, NDManager manager) {
        Models.init(block, manager, input);
        DiscoveryReport report = GroupDiscovery.builder().build().discover(block, input);
        for (SanityResult r :
                SanityCheck.builder().optPairwise(false).build().check(block, report, input)) {
            assertTrue(r.passed(), r.toString());
        }
        return report;
    }

    @Test
    void aReshapeToAHardCodedChannelCountLeavesItsProducerUnprunable() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DiscoveryReport fixed =
                    discover(pooled(x -> x.reshape(x.getShape().get(0), 5, 1, 1)), INPUT, manager);
            DiscoveredGroup conv = fixed.group("04Conv2d").orElseThrow();
            assertEquals(5, conv.group().channels());
            assertEquals(
                    "07LambdaBlock fixes the width at 5 channels: at 4 of its 5 channels it fails:"
                            + " shape '[2, 5, 1, 1]' is invalid for input of size 8",
                    conv.group().reason());
            assertTrue(fixed.group("01Conv2d").orElseThrow().group().prunable());

            DiscoveryReport free =
                    discover(pooled(x -> x.reshape(x.getShape().get(0), -1, 1, 1)), INPUT, manager);
            assertTrue(free.group("04Conv2d").orElseThrow().group().prunable());
            assertTrue(free.group("01Conv2d").orElseThrow().group().prunable());
        }
    }

    @Test
    void aFlattenToAHardCodedWidthLeavesItsProducerUnprunable() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DiscoveryReport fixed =
                    discover(flattened(x -> x.reshape(x.getShape().get(0), 144)), INPUT, manager);
            DiscoveredGroup conv = fixed.group("04Conv2d").orElseThrow();
            assertEquals(
                    "06LambdaBlock fixes the width at 4 channels: at 3 of its 4 channels it fails:"
                            + " shape '[2, 144]' is invalid for input of size 216",
                    conv.group().reason());

            DiscoveryReport free =
                    discover(flattened(x -> x.reshape(x.getShape().get(0), -1)), INPUT, manager);
            DiscoveredGroup freeConv = free.group("04Conv2d").orElseThrow();
            assertTrue(freeConv.group().prunable());
            // 36 columns of the head per channel
            assertEquals(
                    "[07Linear_weight[axis 1, offset 0, 36 columns/channel]]",
                    freeConv.consumers().toString());
        }
    }

    /**
     * DJL's MobileNetV2, narrowed (8 to 16 filters, one repeated unit), at batch 3: its pooled
     * features are reshaped to {@code (N, filters[8], 1, 1)}, so the last 1x1 convolution's group
     * stays unprunable; every inverted-residual group is found and prunable.
     */
    @Test
    void djlMobileNetV2KeepsTheWidthItsReshapeFixes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block =
                    MobileNetV2.builder()
                            .setOutSize(3)
                            .optFilters(new int[] {8, 8, 8, 8, 8, 8, 8, 8, 16})
                            .optRepeatTimes(new int[] {1, 1, 2, 1, 1, 1, 1, 1, 1})
                            .optMultiTimes(new int[] {1, 1, 2, 2, 2, 2, 2})
                            .build();
            DiscoveryReport report = discover(block, new Shape(3, 3, 16, 16), manager);
            assertEquals(15, report.groups().size());
            assertEquals(13, report.prunableGroups().size());
            DiscoveredGroup last = report.group("09SequentialBlock_01Conv2d").orElseThrow();
            assertEquals(16, last.group().channels());
            assertEquals(
                    "11LambdaBlock fixes the width at 16 channels: at 15 of its 16 channels it"
                            + " fails: shape '[3, 16, 1, 1]' is invalid for input of size 45",
                    last.group().reason());
        }
    }
}
