package ai.hesso.djl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one-sum-per-gradient check: it finds NaN and infinities, and has no false alarms. */
class FiniteCheckIT {

    /** Weights whose gradients are exactly the given values: the gradient of sum(w * c) is c. */
    private static Map<String, NDArray> weightsWithGradients(NDManager manager, float[]... values) {
        Map<String, NDArray> weights = new LinkedHashMap<>();
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray total = null;
            for (int i = 0; i < values.length; i++) {
                NDArray w = manager.ones(new Shape(values[i].length));
                w.setRequiresGradient(true);
                weights.put("w" + i, w);
                NDArray term = w.mul(manager.create(values[i])).sum();
                total = total == null ? term : total.add(term);
            }
            collector.backward(total);
        }
        return weights;
    }

    @Test
    void findsTheFirstNonFiniteGradientInOrder() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> weights =
                    weightsWithGradients(
                            manager,
                            new float[] {1, 2},
                            new float[] {3, Float.NaN},
                            new float[] {Float.POSITIVE_INFINITY, 1});
            try (NDManager temp = manager.newSubManager()) {
                assertEquals("w1", FiniteCheck.firstNonFinite(weights, temp));
            }
            Map<String, NDArray> opposite =
                    weightsWithGradients(
                            manager,
                            new float[] {1},
                            new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY});
            try (NDManager temp = manager.newSubManager()) {
                assertEquals("w1", FiniteCheck.firstNonFinite(opposite, temp), "Inf + -Inf");
            }
        }
    }

    @Test
    void aFiniteGradientWhoseSumOverflowsIsNoAlarm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // 3e38 + 3e38 overflows float32, every element is finite
            Map<String, NDArray> weights =
                    weightsWithGradients(manager, new float[] {3e38f, 3e38f}, new float[] {1});
            try (NDManager temp = manager.newSubManager()) {
                assertNull(FiniteCheck.firstNonFinite(weights, temp));
            }
            // arrays without a gradient are passed over
            Map<String, NDArray> none = Map.of("plain", manager.ones(new Shape(2)));
            try (NDManager temp = manager.newSubManager()) {
                assertNull(FiniteCheck.firstNonFinite(none, temp));
            }
        }
    }
}
