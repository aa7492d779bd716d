package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.nn.transformer.TransformerEncoderBlock;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.djl.checkpoint.HessoCheckpoint;
import ai.hesso.fixtures.SyntheticData;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Resume bit for bit beyond the MLP: a transformer (attention heads, whose members own several rows
 * per channel), a MobileNet-style net (depthwise convolutions) and DJL's ResNetV1, each stopped
 * after step 8, inside the first pruning period ({@link Scenario#periodic()}: periods start at 7,
 * 11, 15), and continued by new trainer and optimizer objects from the checkpoint file.
 */
class ModelResumeIT {

    private static final int STOP = 8;
    private static final int TOTAL = 18;

    @TempDir Path dir;

    /**
     * {@code Linear(8)}, two encoders of 2 heads of 4 (12 hidden units), mean, {@code Linear(3)}.
     */
    static Block transformer() {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(8).build())
                .add(new TransformerEncoderBlock(8, 2, 12, 0f, Activation::relu))
                .add(new TransformerEncoderBlock(8, 2, 12, 0f, Activation::relu))
                .add(new LambdaBlock(in -> new NDList(in.singletonOrThrow().mean(new int[] {1}))))
                .add(Linear.builder().setUnits(3).build());
    }

    /**
     * {@code Conv(8) BN relu}, then two depthwise-separable units {@code DW(c) BN relu Conv1x1 BN
     * relu} widening to 12 and 16, global average pool, flatten, {@code Linear(3)}.
     */
    static Block mobileNetStyle() {
        SequentialBlock net = new SequentialBlock();
        net.add(conv(8, 3, 1)).add(BatchNorm.builder().build()).add(Activation.reluBlock());
        int in = 8;
        for (int out : new int[] {12, 16}) {
            net.add(conv(in, 3, in))
                    .add(BatchNorm.builder().build())
                    .add(Activation.reluBlock())
                    .add(conv(out, 1, 1))
                    .add(BatchNorm.builder().build())
                    .add(Activation.reluBlock());
            in = out;
        }
        return net.add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(3).build());
    }

    private static Conv2d conv(int filters, int kernel, int groups) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .optGroups(groups)
                .build();
    }

    /** DJL's ResNet-20 (CIFAR style) on 8x8 images. */
    static Block resnet() {
        return ResNetV1.builder()
                .setNumLayers(20)
                .setOutSize(3)
                .setImageShape(new Shape(3, 8, 8))
                .build();
    }

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("transformer", (Supplier<Block>) ModelResumeIT::transformer),
                Arguments.of("MobileNet-style", (Supplier<Block>) ModelResumeIT::mobileNetStyle),
                Arguments.of("ResNetV1-20", (Supplier<Block>) ModelResumeIT::resnet));
    }

    private static List<NDList> batches(String name, NDManager manager) {
        if (name.equals("transformer")) {
            // 20 blob features per sample, read as 4 tokens of 5
            return SyntheticData.fixedBatches(manager, 6, 8, new Shape(20), 3, 11).stream()
                    .map(b -> new NDList(b.get(0).reshape(8, 4, 5), b.get(1)))
                    .toList();
        }
        int side = name.startsWith("ResNet") ? 8 : 6;
        return SyntheticData.fixedBatches(manager, 6, 8, new Shape(3, side, side), 3, 11);
    }

    private static TrainingHarness harness(Block block, Shape input, long seed) {
        return new TrainingHarness(
                block,
                input,
                seed,
                b ->
                        HessoBuilders.of(Scenario.adam())
                                .setLearningRateTracker(Tracker.fixed(0.05f))
                                .setBlock(b)
                                .setPruning(Scenario.periodic())
                                .build());
    }

    @ParameterizedTest(name = "{0} stopped inside a pruning period")
    @MethodSource("models")
    void resumedRunEndsBitForBitLikeTheUninterruptedOne(String name, Supplier<Block> model)
            throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDList> batches = batches(name, manager);
            Shape input = batches.get(0).get(0).getShape();
            Path file = dir.resolve("run.hesso");
            Map<String, NDArray> atStop = new HashMap<>();
            Map<String, byte[]> whole;
            Map<String, int[]> wholePruned;
            HessoCheckpoint wholeState;
            List<NodeGroup> groups;
            try (TrainingHarness run = harness(model.get(), input, 7)) {
                for (int k = 1; k <= TOTAL; k++) {
                    run.step(Scenario.batch(batches, k));
                    if (k == STOP) {
                        HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
                        hesso.checkpoint().write(file);
                        for (Pair<String, Parameter> p : run.model.getBlock().getParameters()) {
                            NDArray copy = p.getValue().getArray().duplicate();
                            copy.attach(manager);
                            atStop.put(p.getKey(), copy);
                        }
                    }
                }
                HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
                whole = Scenario.parameterBytes(run.model.getBlock());
                wholePruned = hesso.driver().prunedChannels();
                wholeState = hesso.checkpoint();
                groups = wholeState.nodeGroups();
                assertTrue(hesso.metrics().pruned() > 0, hesso.metrics().toString());
                assertEquals(hesso.metrics().pruned(), hesso.metrics().verifiedZero());
            }
            if (name.equals("transformer")) {
                // the heads' groups own 4 rows of each projection per channel, and are pruned
                assertTrue(
                        groups.stream()
                                .anyMatch(
                                        g ->
                                                g.prunable()
                                                        && g.members().stream()
                                                                .mapToInt(
                                                                        GroupMember::rowsPerChannel)
                                                                .anyMatch(r -> r == 4)),
                        groups.toString());
            }
            // another seed: every value must come from the saved parameters and the checkpoint
            try (TrainingHarness second = harness(model.get(), input, 99)) {
                for (Pair<String, Parameter> p : second.model.getBlock().getParameters()) {
                    try (NDArray alias = p.getValue().getArray().stopGradient()) {
                        alias.set(new NDIndex("..."), atStop.get(p.getKey()));
                    }
                }
                HessoOptimizer hesso = (HessoOptimizer) second.optimizer;
                hesso.resume(HessoCheckpoint.read(file));
                for (int k = STOP + 1; k <= TOTAL; k++) {
                    second.step(Scenario.batch(batches, k));
                }
                Map<String, byte[]> resumed = Scenario.parameterBytes(second.model.getBlock());
                assertEquals(whole.keySet(), resumed.keySet());
                for (String parameter : whole.keySet()) {
                    assertArrayEquals(whole.get(parameter), resumed.get(parameter), parameter);
                }
                Map<String, int[]> pruned = hesso.driver().prunedChannels();
                assertEquals(wholePruned.keySet(), pruned.keySet());
                for (String group : wholePruned.keySet()) {
                    assertArrayEquals(wholePruned.get(group), pruned.get(group), group);
                }
                assertEquals(wholeState.driver(), hesso.checkpoint().driver());
            }
        }
    }
}
