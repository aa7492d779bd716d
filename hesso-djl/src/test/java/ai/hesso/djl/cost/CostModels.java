package ai.hesso.djl.cost;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.hesso.fixtures.DiscoveryModels;
import ai.hesso.fixtures.ModelPatterns;
import ai.hesso.fixtures.TinyModels;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The discovery test models (fixtures' {@code DiscoveryModels}, {@code ModelPatterns} and {@code
 * TinyModels}) plus a depthwise and a 1-d convolution, each with its input shape, for the MAC cost
 * tests.
 */
final class CostModels {

    private CostModels() {}

    /**
     * A model to test.
     *
     * @param name for reports
     * @param factory builds a fresh block
     * @param input the input shape, batch first
     */
    record Case(String name, Supplier<Block> factory, Shape input) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> all() {
        return Stream.of(
                new Case("mlp", DiscoveryModels::mlp, DiscoveryModels.MLP_INPUT),
                new Case("mlp-sigmoid", DiscoveryModels::mlpWithSigmoid, DiscoveryModels.MLP_INPUT),
                new Case("vgg", DiscoveryModels::vgg, DiscoveryModels.IMAGE_INPUT),
                new Case(
                        "vgg-two-stages",
                        () -> ModelPatterns.vgg(new int[][] {{4, 6}, {5}}, new int[] {7}, 3),
                        DiscoveryModels.IMAGE_INPUT),
                new Case("inception", DiscoveryModels::inception, DiscoveryModels.IMAGE_INPUT),
                new Case("transformer", DiscoveryModels::transformer, DiscoveryModels.TOKEN_INPUT),
                new Case("tiny-mlp", () -> TinyModels.mlp(5, 7, 3), new Shape(3, 5)),
                new Case("tiny-cnn", () -> TinyModels.smallCnn(4), new Shape(2, 1, 12, 12)),
                new Case("tiny-residual", () -> TinyModels.residualBlock(5), new Shape(2, 5, 6, 6)),
                new Case("depthwise", CostModels::depthwise, new Shape(2, 3, 8, 8)),
                new Case("conv1d", CostModels::conv1d, new Shape(2, 3, 10)));
    }

    /** {@code Conv(6) BN relu DepthwiseConv(6) BN relu Conv1x1(4) flatten Linear(3)}. */
    static SequentialBlock depthwise() {
        return new SequentialBlock()
                .add(conv2d(6, 3, 1))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(conv2d(6, 3, 6))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(conv2d(4, 1, 1))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(3).build());
    }

    /** {@code Conv1d(5, k3) relu Conv1d(4, k3) relu flatten Linear(3)}. */
    static SequentialBlock conv1d() {
        return new SequentialBlock()
                .add(Conv1d.builder().setKernelShape(new Shape(3)).setFilters(5).build())
                .add(Activation.reluBlock())
                .add(Conv1d.builder().setKernelShape(new Shape(3)).setFilters(4).build())
                .add(Activation.reluBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(3).build());
    }

    private static Conv2d conv2d(int filters, int kernel, int groups) {
        return Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .setFilters(filters)
                .optGroups(groups)
                .build();
    }
}
