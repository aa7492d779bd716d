package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.transformer.TransformerEncoderBlock;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.fixtures.DiscoveryModels;
import ai.hesso.fixtures.SyntheticData;
import ai.hesso.fixtures.TinyModels;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Discovery at the first update of real training: frozen and scale-free layers train and the rest
 * is pruned to exact zeros; a wrong {@code setBlock(..)} is explained.
 */
class DiscoveryTrainingIT {

    private static final Shape IMAGES = new Shape(8, 3, 8, 8);

    private static HessoOptimizer hesso(Block block, double sparsity) {
        return Hesso.sgd()
                .optMomentum(0.9)
                .setLearningRateTracker(Tracker.fixed(0.05f))
                .setBlock(block)
                .setPruning(
                        HessoSettings.builder()
                                .optTargetGroupSparsity(sparsity)
                                .optStartPruningStep(5)
                                .setPruningSteps(15)
                                .optPruningPeriods(3)
                                .build())
                .build();
    }

    private static int zeroChannels(TrainingHarness run, ChannelIndex index) {
        int zeros = 0;
        for (NodeGroup g : index.prunableGroups()) {
            zeros += run.zeroChannels(g);
        }
        return zeros;
    }

    @Test
    void scaleFreeShiftFreeAndFrozenLayersTrainAndTheRestIsPruned() {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDList> batches =
                    SyntheticData.fixedBatches(manager, 30, 8, new Shape(3, 8, 8), 3, 5);
            try (TrainingHarness run =
                    new TrainingHarness(
                            DiscoveryModels.partlyFrozen(), IMAGES, 3, b -> hesso(b, 0.5))) {
                Block frozen = run.model.getBlock().getChildren().get("07Conv2d");
                frozen.freezeParameters(true);
                float[] frozenBefore = run.parameter("07Conv2d_weight").getArray().toFloatArray();
                for (NDList batch : batches) {
                    run.step(batch);
                }
                HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
                ChannelIndex index = hesso.driver().channelIndex();
                // only 04Conv2d (6 channels) is prunable: K = floor(6 * 0.5) = 3
                assertEquals(1, index.prunableGroups().size());
                assertEquals("04Conv2d", index.prunableGroups().get(0).name());
                assertEquals(3, hesso.metrics().pruned());
                assertEquals(3, zeroChannels(run, index));
                // nothing HESSO cannot train was touched
                assertArrayEquals(
                        frozenBefore, run.parameter("07Conv2d_weight").getArray().toFloatArray());
                assertArrayEquals(
                        new float[] {1, 1, 1, 1},
                        run.parameter("02BatchNorm_gamma").getArray().toFloatArray());
                assertArrayEquals(
                        new float[6], run.parameter("05BatchNorm_beta").getArray().toFloatArray());
            }
        }
    }

    @Test
    void headsAndFeedForwardUnitsArePrunedToExactZerosTheStreamStaysWhole() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // 30 blob features per sample, read as 5 tokens of 6
            List<NDList> batches =
                    SyntheticData.fixedBatches(manager, 30, 8, new Shape(30), 3, 7).stream()
                            .map(b -> new NDList(b.get(0).reshape(8, 5, 6), b.get(1)))
                            .toList();
            try (TrainingHarness run =
                    new TrainingHarness(
                            DiscoveryModels.encoder(), new Shape(8, 5, 6), 4, b -> hesso(b, 0.5))) {
                for (NDList batch : batches) {
                    run.step(batch);
                }
                HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
                ChannelIndex index = hesso.driver().channelIndex();
                // the embedding stream is unprunable (compaction keeps the attention block's
                // embedding width): 4 heads and 12 hidden units, K = floor(16 * 0.5) = 8, a head
                // zero in all 2 of its rows of Q, K and V
                assertEquals(
                        List.of(
                                "02TransformerEncoderBlock_01selfAttention_heads",
                                "02TransformerEncoderBlock_03outputBlock_01Linear"),
                        index.prunableGroups().stream().map(NodeGroup::name).sorted().toList());
                assertEquals(8, hesso.metrics().pruned());
                assertEquals(8, zeroChannels(run, index));
            }
        }
    }

    @Test
    void aModelStartingWithATransformerEncoderBlockTrainsAfterDiscovery() {
        Shape input = new Shape(10, 4, 6);
        try (NDManager manager = NDManager.newBaseManager()) {
            // 24 blob features per sample, read as 4 tokens of 6
            List<NDList> batches =
                    SyntheticData.fixedBatches(manager, 24, 10, new Shape(24), 3, 5).stream()
                            .map(b -> new NDList(b.get(0).reshape(10, 4, 6), b.get(1)))
                            .toList();
            // the encoder reads the network input: 6 wide, 2 heads of 3, 10 hidden units
            Block block =
                    new SequentialBlock()
                            .add(new TransformerEncoderBlock(6, 2, 10, 0f, Activation::relu))
                            .add(
                                    new LambdaBlock(
                                            in ->
                                                    new NDList(
                                                            in.singletonOrThrow()
                                                                    .mean(new int[] {1}))))
                            .add(Linear.builder().setUnits(3).build());
            try (TrainingHarness run = new TrainingHarness(block, input, 3, b -> hesso(b, 0.5))) {
                for (NDList batch : batches) {
                    assertTrue(Float.isFinite(run.step(batch)));
                }
                // discovery ran at the first update and left both shapes at batch 10
                assertArrayEquals(new long[] {10, 4, 6}, input.getShape());
                assertArrayEquals(new long[] {10, 4, 6}, block.getInputShapes()[0].getShape());
                HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
                ChannelIndex index = hesso.driver().channelIndex();
                // 2 heads + 10 hidden units (the stream is the input's): K = floor(12 * 0.5) = 6
                assertEquals(
                        List.of(
                                "01TransformerEncoderBlock_01selfAttention_heads",
                                "01TransformerEncoderBlock_03outputBlock_01Linear"),
                        index.prunableGroups().stream().map(NodeGroup::name).sorted().toList());
                assertEquals(6, hesso.metrics().pruned());
                assertEquals(6, zeroChannels(run, index));
                assertEquals(6, hesso.metrics().verifiedZero());
            }
        }
    }

    @Test
    void aLinearAppliedTwiceKeepsItsGroupsAndThePrunedChannelsAreAllZero() {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDList> batches = SyntheticData.fixedBatches(manager, 24, 8, new Shape(6), 3, 9);
            Linear shared = Linear.builder().setUnits(8).build();
            Block block =
                    new SequentialBlock()
                            .add(Linear.builder().setUnits(8).build())
                            .add(Activation.reluBlock())
                            .add(shared)
                            .add(Activation.reluBlock())
                            .add(shared)
                            .add(Activation.reluBlock())
                            .add(Linear.builder().setUnits(8).build())
                            .add(Activation.reluBlock())
                            .add(Linear.builder().setUnits(3).build());
            try (TrainingHarness run =
                    new TrainingHarness(block, new Shape(8, 6), 6, b -> hesso(b, 0.5))) {
                for (NDList batch : batches) {
                    run.step(batch);
                }
                HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
                ChannelIndex index = hesso.driver().channelIndex();
                // the groups reading or making the shared weight (01, 03, 05) stay unprunable
                assertEquals(
                        List.of("07Linear"),
                        index.prunableGroups().stream().map(NodeGroup::name).toList());
                // K = floor(8 * 0.5) = 4, all of them exactly zero
                assertEquals(4, hesso.metrics().pruned());
                assertEquals(4, hesso.metrics().verifiedZero());
                assertEquals(4, zeroChannels(run, index));
            }
        }
    }

    private static IllegalArgumentException firstStepFails(Function<Block, Block> given) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList batch = SyntheticData.fixedBatches(manager, 1, 4, new Shape(6), 3, 1).get(0);
            Function<Block, Optimizer> optimizer = b -> hesso(given.apply(b), 0.5);
            try (TrainingHarness run =
                    new TrainingHarness(TinyModels.mlp(6, 8, 3), new Shape(4, 6), 1, optimizer)) {
                return assertThrows(IllegalArgumentException.class, () -> run.step(batch));
            }
        }
    }

    @Test
    void anUninitialisedBlockIsNamedWithWhatToPass() {
        IllegalArgumentException e = firstStepFails(b -> TinyModels.mlp(6, 8, 3));
        assertEquals(
                "the block given to setBlock(..) (SequentialBlock) was never initialized, so it is"
                        + " not the block being trained (the trainer initializes that one before"
                        + " the first step); pass the block the Trainer trains:"
                        + " setBlock(model.getBlock()) for the model whose trainer runs this"
                        + " optimizer",
                e.getMessage());
    }

    @Test
    void aBlockAroundTheTrainedOneIsNamedWithTheBlockToPass() {
        IllegalArgumentException e = firstStepFails(b -> new SequentialBlock().add(b));
        assertEquals(
                "the block given to setBlock(..) (SequentialBlock) was not initialized itself but"
                        + " contains the initialized block '01SequentialBlock' (SequentialBlock):"
                        + " it wraps the block being trained; pass the block the Trainer trains:"
                        + " setBlock(model.getBlock()) for the model whose trainer runs this"
                        + " optimizer, here probably the block at '01SequentialBlock'",
                e.getMessage());
        assertFalse(e.getMessage().contains("getInputShapes"), e.getMessage());
    }

    @Test
    void discoveryOfABlockWithoutInputShapesSaysWhatToDo() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> NodeGroupSource.discovery().groups(TinyModels.mlp(6, 8, 3)));
        assertEquals(
                "automatic node-group discovery needs the input shapes DJL records when a block is"
                        + " initialized, and SequentialBlock has none: initialize it"
                        + " (block.initialize(manager, DataType.FLOAT32, inputShape)) or give the"
                        + " node groups by hand with optNodeGroups(..)",
                e.getMessage());
    }
}
