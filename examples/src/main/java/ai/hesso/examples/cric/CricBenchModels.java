package ai.hesso.examples.cric;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.hesso.examples.data.FashionMnist;
import ai.hesso.examples.models.BuiltinModels;
import ai.hesso.fixtures.ModelPatterns;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Fashion-MNIST models {@code hesso cric} compares the two identifications on, by name:
 *
 * <ul>
 *   <li>{@code fashion-cnn}: the demo's VGG-style CNN, conv 16-16-pool-32-32-pool-64-pool;
 *   <li>{@code narrow-cnn}: conv 32-pool-4-32-pool-64-pool, whose 4-channel layer is a bottleneck
 *       every image must pass through: pruning it to one channel caps what the network can learn,
 *       whatever the wide layers keep;
 *   <li>{@code resnet20}: DJL's {@link ResNetV1} with 20 layers on {@code (1, 28, 28)} images,
 *       whose residual joins tie several convolutions into one node group.
 * </ul>
 */
public final class CricBenchModels {

    private static final Map<String, Supplier<Block>> MODELS = new LinkedHashMap<>();

    static {
        MODELS.put("fashion-cnn", BuiltinModels::fashionCnn);
        MODELS.put(
                "narrow-cnn",
                () -> ModelPatterns.vgg(new int[][] {{32}, {4, 32}, {64}}, new int[0], 10));
        MODELS.put(
                "resnet20",
                () ->
                        ResNetV1.builder()
                                .setNumLayers(20)
                                .setOutSize(10)
                                .setImageShape(
                                        new Shape(
                                                1,
                                                FashionMnist.IMAGE_SIZE,
                                                FashionMnist.IMAGE_SIZE))
                                .build());
    }

    private CricBenchModels() {}

    /**
     * Returns the model names, in a stable order.
     *
     * @return the names
     */
    public static List<String> names() {
        return List.copyOf(MODELS.keySet());
    }

    /**
     * Builds a fresh, uninitialized model.
     *
     * @param name a name from {@link #names()}
     * @return the block
     * @throws IllegalArgumentException if no model has that name
     */
    public static Block build(String name) {
        Supplier<Block> factory = MODELS.get(name);
        if (factory == null) {
            throw new IllegalArgumentException(
                    "unknown model '" + name + "'; valid models: " + names());
        }
        return factory.get();
    }
}
