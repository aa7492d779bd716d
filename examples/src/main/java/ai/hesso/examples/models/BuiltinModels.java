package ai.hesso.examples.models;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.pooling.Pool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The registry of built-in models the command line knows by name: {@code mlp}, {@code vgg}, {@code
 * resnet20}, {@code resnet18}, {@code inception}, {@code transformer}, and {@code fashion-cnn}, the
 * model {@code hesso demo} and {@code hesso bench} train on Fashion-MNIST.
 */
public final class BuiltinModels {

    /**
     * A named model and the input shape it is built for.
     *
     * @param name the name used on the command line
     * @param inputShape the input shape, batch axis first
     * @param factory builds a fresh, uninitialized block
     */
    public record BuiltinModel(String name, Shape inputShape, Supplier<Block> factory) {

        /**
         * Validates the entry.
         *
         * @param name the name
         * @param inputShape the input shape
         * @param factory the factory
         */
        public BuiltinModel {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(inputShape, "inputShape");
            Objects.requireNonNull(factory, "factory");
        }

        /**
         * Builds a fresh, uninitialized block.
         *
         * @return the block
         */
        public Block build() {
            return factory.get();
        }
    }

    private static final Map<String, BuiltinModel> MODELS = new LinkedHashMap<>();

    static {
        register("mlp", new Shape(1, 5), BuiltinModels::mlp);
        register("vgg", new Shape(1, 3, 16, 16), BuiltinModels::vgg);
        register(
                "resnet20",
                new Shape(1, 3, 28, 28),
                () ->
                        ResNetV1.builder()
                                .setNumLayers(20)
                                .setOutSize(10)
                                .setImageShape(new Shape(3, 28, 28))
                                .build());
        register(
                "resnet18",
                new Shape(1, 3, 64, 64),
                () ->
                        ResNetV1.builder()
                                .setNumLayers(18)
                                .setOutSize(10)
                                .setImageShape(new Shape(3, 64, 64))
                                .build());
        register("inception", new Shape(1, 3, 16, 16), BuiltinModels::inception);
        register("transformer", new Shape(1, 4, 8), BuiltinModels::transformer);
        register("fashion-cnn", new Shape(1, 1, 28, 28), BuiltinModels::fashionCnn);
    }

    private BuiltinModels() {}

    private static void register(String name, Shape shape, Supplier<Block> factory) {
        MODELS.put(name, new BuiltinModel(name, shape, factory));
    }

    /**
     * Returns the model names, in a stable order.
     *
     * @return the names
     */
    public static List<String> names() {
        return List.copyOf(MODELS.keySet());
    }

    /**
     * Looks a model up by name.
     *
     * @param name a model name
     * @return the model
     * @throws IllegalArgumentException if no model has that name
     */
    public static BuiltinModel get(String name) {
        BuiltinModel model = MODELS.get(name);
        if (model == null) {
            throw new IllegalArgumentException(
                    "unknown model '" + name + "'; valid models: " + names());
        }
        return model;
    }

    private static Block mlp() {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(8).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(6).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(3).build());
    }

    private static Block vgg() {
        return new SequentialBlock()
                .add(conv(8, 3))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(conv(16, 3))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(32).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(10).build());
    }

    /**
     * The VGG-style CNN of {@code hesso demo} and {@code hesso bench}, for {@code (N, 1, 28, 28)}
     * Fashion-MNIST images: five 3x3 convolutions, each followed by batch norm and ReLU, with
     * widths 16-16-pool-32-32-pool-64-pool, then a linear head with 10 outputs. The five
     * convolutions are the prunable node groups (160 channels in all); the head feeds the loss.
     *
     * @return a fresh, uninitialized block
     */
    public static Block fashionCnn() {
        SequentialBlock net = new SequentialBlock();
        int[][] stages = {{16, 16}, {32, 32}, {64}};
        for (int[] stage : stages) {
            for (int width : stage) {
                net.add(conv(width, 3))
                        .add(BatchNorm.builder().build())
                        .add(Activation.reluBlock());
            }
            net.add(Pool.maxPool2dBlock(new Shape(2, 2)));
        }
        return net.add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(10).build());
    }

    private static Block inception() {
        ParallelBlock mixed =
                new ParallelBlock(
                        list ->
                                new NDList(
                                        NDArrays.concat(
                                                new NDList(
                                                        list.stream()
                                                                .map(NDList::singletonOrThrow)
                                                                .toArray(NDArray[]::new)),
                                                1)),
                        List.of(
                                new SequentialBlock().add(conv(4, 1)).add(Activation.reluBlock()),
                                new SequentialBlock()
                                        .add(conv(4, 1))
                                        .add(Activation.reluBlock())
                                        .add(conv(6, 3))
                                        .add(Activation.reluBlock()),
                                new SequentialBlock()
                                        .add(
                                                Pool.maxPool2dBlock(
                                                        new Shape(3, 3),
                                                        new Shape(1, 1),
                                                        new Shape(1, 1)))
                                        .add(conv(2, 1))));
        return new SequentialBlock()
                .add(conv(8, 3))
                .add(Activation.reluBlock())
                .add(mixed)
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(10).build());
    }

    private static Block transformer() {
        Block mlp =
                new SequentialBlock()
                        .add(LayerNorm.builder().axis(2).build())
                        .add(Linear.builder().setUnits(32).build())
                        .add(Activation.geluBlock())
                        .add(Linear.builder().setUnits(16).build());
        ParallelBlock residual =
                new ParallelBlock(
                        list ->
                                new NDList(
                                        list.get(0)
                                                .singletonOrThrow()
                                                .add(list.get(1).singletonOrThrow())),
                        List.of(mlp, Blocks.identityBlock()));
        return new SequentialBlock()
                .add(Linear.builder().setUnits(16).build())
                .add(residual)
                .add(Linear.builder().setUnits(2).build());
    }

    private static Conv2d conv(int filters, int kernel) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .build();
    }
}
