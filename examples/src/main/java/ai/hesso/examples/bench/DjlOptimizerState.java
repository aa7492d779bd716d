package ai.hesso.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;

/**
 * Measures the state a DJL optimizer holds: the arrays in its map fields (DJL 0.29's {@code Sgd}
 * keeps {@code momentumStates}, {@code Adam} and {@code AdamW} {@code means} and {@code variances},
 * each a map from parameter to a map from device to array).
 *
 * <p>DJL detaches these arrays from every manager, so the engine's bookkeeping cannot count them;
 * this reads the optimizer's fields instead. It belongs to the benchmark, not to the library: it
 * depends on DJL's private field layout, which is why a test pins the counts it gives.
 */
final class DjlOptimizerState {

    private DjlOptimizerState() {}

    /**
     * Returns the bytes of the arrays in the optimizer's map fields.
     *
     * @param optimizer a DJL optimizer
     * @return the sum over its state arrays of element count times element size
     */
    static long bytes(Optimizer optimizer) {
        long bytes = 0;
        for (Class<?> c = optimizer.getClass(); c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())
                        || !Map.class.isAssignableFrom(field.getType())) {
                    continue;
                }
                field.setAccessible(true);
                try {
                    bytes += bytesIn(field.get(optimizer));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(
                            "cannot read " + c.getSimpleName() + "." + field.getName(), e);
                }
            }
        }
        return bytes;
    }

    private static long bytesIn(Object value) {
        if (value instanceof NDArray array) {
            return array.isReleased() ? 0 : array.size() * array.getDataType().getNumOfBytes();
        }
        if (value instanceof Map<?, ?> map) {
            long bytes = 0;
            for (Object inner : map.values()) {
                bytes += bytesIn(inner);
            }
            return bytes;
        }
        return 0;
    }
}
