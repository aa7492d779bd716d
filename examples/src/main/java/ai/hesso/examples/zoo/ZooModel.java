package ai.hesso.examples.zoo;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One model of the sweep.
 *
 * @param name the model's name in the sweep and on the command line ({@code --model})
 * @param source where it comes from: the DJL zoo class and its settings, or how it is hand-built
 * @param factory builds a fresh, uninitialized block; called once per training run and for loading
 * @param sampleShape one sample's shape, without the batch axis: {@code (F)} features, {@code (T,
 *     F)} tokens or {@code (C, H, W)} images
 * @param classes the number of classes the model outputs, at least 2 (the sweep trains with softmax
 *     cross-entropy on outputs {@code (N, classes)})
 * @param classifier whether the model's first output is {@code (N, classes)} logits; a detection or
 *     sequence model is discovered only, the later stages are skipped with the reason
 */
public record ZooModel(
        String name,
        String source,
        Supplier<Block> factory,
        Shape sampleShape,
        int classes,
        boolean classifier) {

    /**
     * Validates the entry.
     *
     * @param name the name
     * @param source the source
     * @param factory the factory
     * @param sampleShape the sample shape
     * @param classes the number of classes
     * @param classifier whether it is a classifier
     */
    public ZooModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(sampleShape, "sampleShape");
        if (sampleShape.dimension() < 1 || sampleShape.dimension() > 3) {
            throw new IllegalArgumentException(
                    "sampleShape must be (F), (T, F) or (C, H, W), got " + sampleShape);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be at least 2, got " + classes);
        }
    }

    /**
     * Returns the input shape for a batch size.
     *
     * @param batchSize the batch size, at least 1
     * @return {@code (batchSize, sampleShape...)}
     */
    public Shape inputShape(int batchSize) {
        return new Shape(batchSize).addAll(sampleShape);
    }
}
