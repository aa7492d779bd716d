package ai.hesso.djl.discovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Discovery does not depend on the batch size the block was initialized with, and leaves every
 * argument as it was: the caller's {@link Shape} objects and the block's recorded input shapes
 * (DJL's {@code Shape.getShape()} hands out the shape's own array).
 */
class BatchSizeTest {

    /**
     * {@code Conv(4) BN relu}, then a residual unit {@code relu(BN(Conv(4)(x)) + x)}, global
     * average pool, flatten, {@code Linear(3)}: the stem and the unit's branch are one group.
     */
    static Block residual() {
        ParallelBlock unit =
                new ParallelBlock(
                        list ->
                                new NDList(
                                        Activation.relu(
                                                list.get(0)
                                                        .singletonOrThrow()
                                                        .add(list.get(1).singletonOrThrow()))),
                        List.of(
                                new SequentialBlock()
                                        .add(conv(4, 3))
                                        .add(BatchNorm.builder().build()),
                                Blocks.identityBlock()));
        return new SequentialBlock()
                .add(conv(4, 3))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(unit)
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(3).build());
    }

    /**
     * {@code Conv(3) relu}, then two branches {@code Conv1x1(2)} and {@code Conv3x3(3) relu}
     * concatenated on the channels, {@code Conv1x1(4) relu}, global average pool, flatten, {@code
     * Linear(3)}.
     */
    static Block concat() {
        ParallelBlock branches =
                new ParallelBlock(
                        list -> {
                            NDList parts = new NDList();
                            list.forEach(l -> parts.add(l.singletonOrThrow()));
                            return new NDList(NDArrays.concat(parts, 1));
                        },
                        List.of(
                                conv(2, 1),
                                new SequentialBlock().add(conv(3, 3)).add(Activation.reluBlock())));
        return new SequentialBlock()
                .add(conv(3, 3))
                .add(Activation.reluBlock())
                .add(branches)
                .add(conv(4, 1))
                .add(new LambdaBlock(l -> new NDList(Activation.relu(l.singletonOrThrow()))))
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(3).build());
    }

    private static Conv2d conv(int filters, int kernel) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .build();
    }

    static Stream<Arguments> cases() {
        return IntStream.rangeClosed(1, 16)
                .boxed()
                .flatMap(
                        batch ->
                                Stream.of(
                                        Arguments.of("residual", batch),
                                        Arguments.of("concat", batch)));
    }

    @ParameterizedTest(name = "{0} at batch {1}")
    @MethodSource("cases")
    void theSameGroupsAtEveryBatchSizeAndTheShapesUntouched(String model, int batch) {
        Supplier<Block> factory =
                model.equals("residual") ? BatchSizeTest::residual : BatchSizeTest::concat;
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = factory.get();
            Shape initShape = new Shape(batch, 3, 6, 6);
            Models.init(block, manager, initShape);
            Shape recorded = block.getInputShapes()[0];
            Shape given = new Shape(batch, 3, 6, 6);
            DiscoveryReport report = GroupDiscovery.builder().build().discover(block, given);
            assertEquals(model.equals("residual") ? RESIDUAL : CONCAT, describe(report));
            for (Shape s : List.of(initShape, recorded, given, block.getInputShapes()[0])) {
                assertArrayEquals(new long[] {batch, 3, 6, 6}, s.getShape());
            }
            for (SanityResult r :
                    SanityCheck.builder().optPairwise(false).build().check(block, report, given)) {
                assertTrue(r.passed(), r.toString());
            }
            assertArrayEquals(new long[] {batch, 3, 6, 6}, given.getShape());
        }
    }

    /**
     * The residual unit's add couples the stem (conv and batch norm) with the branch's conv and
     * batch norm; the branch conv also reads the stem's channels, as the head does.
     */
    private static final List<String> RESIDUAL =
            List.of(
                    "01Conv2d 4 prunable [01Conv2d_weight, 01Conv2d_bias, 02BatchNorm_gamma,"
                            + " 02BatchNorm_beta, 04ParallelBlock_01SequentialBlock_01Conv2d_weight,"
                            + " 04ParallelBlock_01SequentialBlock_01Conv2d_bias,"
                            + " 04ParallelBlock_01SequentialBlock_02BatchNorm_gamma,"
                            + " 04ParallelBlock_01SequentialBlock_02BatchNorm_beta]"
                            + " [04ParallelBlock_01SequentialBlock_01Conv2d_weight[axis 1, offset 0],"
                            + " 07Linear_weight[axis 1, offset 0]]",
                    "07Linear 3 unprunable [07Linear_weight, 07Linear_bias] []");

    /** The concatenation's branches are read by the next conv at input offsets 0 and 2. */
    private static final List<String> CONCAT =
            List.of(
                    "01Conv2d 3 prunable [01Conv2d_weight, 01Conv2d_bias]"
                            + " [03ParallelBlock_01Conv2d_weight[axis 1, offset 0],"
                            + " 03ParallelBlock_02SequentialBlock_01Conv2d_weight[axis 1, offset 0]]",
                    "03ParallelBlock_01Conv2d 2 prunable [03ParallelBlock_01Conv2d_weight,"
                            + " 03ParallelBlock_01Conv2d_bias] [04Conv2d_weight[axis 1, offset 0]]",
                    "03ParallelBlock_02SequentialBlock_01Conv2d 3 prunable"
                            + " [03ParallelBlock_02SequentialBlock_01Conv2d_weight,"
                            + " 03ParallelBlock_02SequentialBlock_01Conv2d_bias]"
                            + " [04Conv2d_weight[axis 1, offset 2]]",
                    "04Conv2d 4 prunable [04Conv2d_weight, 04Conv2d_bias]"
                            + " [08Linear_weight[axis 1, offset 0]]",
                    "08Linear 3 unprunable [08Linear_weight, 08Linear_bias] []");

    /** One line per group: name, channels, prunable, members, consumers. */
    static List<String> describe(DiscoveryReport report) {
        List<String> lines = new ArrayList<>();
        for (DiscoveredGroup g : report.groups()) {
            lines.add(
                    g.name()
                            + " "
                            + g.group().channels()
                            + (g.group().prunable() ? " prunable " : " unprunable ")
                            + Models.members(g)
                            + " "
                            + g.consumers());
        }
        return lines;
    }
}
