package ai.hesso.replay;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named trainable tensor of a replay: its shape and its row-major values.
 *
 * @param name the parameter name, not blank
 * @param shape the shape, each dimension at least 1 (an empty shape is a scalar)
 * @param values the values, row-major, as many as the product of the shape
 */
public record ReplayTensor(String name, int[] shape, double[] values) {

    /**
     * Validates the tensor and copies its arrays.
     *
     * @param name the parameter name, not blank
     * @param shape the shape, each dimension at least 1
     * @param values the values, as many as the product of the shape, all finite
     * @throws IllegalArgumentException naming the tensor and what is wrong
     */
    public ReplayTensor {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a tensor needs a non-blank name");
        }
        shape = Objects.requireNonNull(shape, "shape").clone();
        values = Objects.requireNonNull(values, "values").clone();
        long size = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException(
                        "tensor '"
                                + name
                                + "': every dimension of shape must be >= 1, got "
                                + Arrays.toString(shape));
            }
            size *= d;
        }
        if (size != values.length) {
            throw new IllegalArgumentException(
                    "tensor '"
                            + name
                            + "': shape "
                            + Arrays.toString(shape)
                            + " needs "
                            + size
                            + " values, got "
                            + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(
                        "tensor '"
                                + name
                                + "': values must be finite, got "
                                + values[i]
                                + " at index "
                                + i);
            }
        }
    }

    /**
     * Returns a copy of the shape.
     *
     * @return the shape
     */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /**
     * Returns a copy of the values.
     *
     * @return the row-major values
     */
    @Override
    public double[] values() {
        return values.clone();
    }

    /**
     * Returns the number of values.
     *
     * @return the product of the shape
     */
    public int size() {
        return values.length;
    }
}
