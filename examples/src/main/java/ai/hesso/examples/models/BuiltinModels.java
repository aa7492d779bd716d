package ai.hesso.examples.models;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.hesso.fixtures.DiscoveryModels;
import ai.hesso.fixtures.ModelPatterns;
import ai.hesso.fixtures.ModelPatterns.InceptionWidths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The registry of built-in models the command line knows by name: {@code mlp}, {@code vgg}, {@code
 * resnet20}, {@code resnet18}, {@code inception}, {@code transformer}, and {@code fashion-cnn}, the
 * model {@code hesso demo} and {@code hesso bench} train on Fashion-MNIST.
 *
 * <p>The models are defined once, in {@code src-test-fixtures}: {@code mlp} is {@link
 * DiscoveryModels#mlp()}, the others are {@link ModelPatterns} with the widths registered here; the
 * ResNets are DJL's {@link ResNetV1}.
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

    /**
     * The name of {@link #fashionCnn()}, the model of {@code hesso demo} and {@code hesso bench}.
     */
    public static final String FASHION_CNN = "fashion-cnn";

    private static final Map<String, BuiltinModel> MODELS = new LinkedHashMap<>();

    static {
        register("mlp", new Shape(1, 5), DiscoveryModels::mlp);
        register(
                "vgg",
                new Shape(1, 3, 16, 16),
                () -> ModelPatterns.vgg(new int[][] {{8}, {16}}, new int[] {32}, 10));
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
        register(
                "inception",
                new Shape(1, 3, 16, 16),
                () -> ModelPatterns.inception(new InceptionWidths(8, 4, 4, 6, 2, 0, 10)));
        register("transformer", new Shape(1, 4, 8), () -> ModelPatterns.transformer(16, 32, 2));
        register(FASHION_CNN, new Shape(1, 1, 28, 28), BuiltinModels::fashionCnn);
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

    /**
     * The VGG-style CNN of {@code hesso demo} and {@code hesso bench}, for {@code (N, 1, 28, 28)}
     * Fashion-MNIST images: five 3x3 convolutions, each followed by batch norm and ReLU, with
     * widths 16-16-pool-32-32-pool-64-pool, then a linear head with 10 outputs. The five
     * convolutions are the prunable node groups (160 channels in all); the head feeds the loss.
     *
     * @return a fresh, uninitialized block
     */
    public static Block fashionCnn() {
        return ModelPatterns.vgg(new int[][] {{16, 16}, {32, 32}, {64}}, new int[0], 10);
    }
}
