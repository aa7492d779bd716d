package ai.hesso.djl.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * {@link Aliases#overwrite} writes exactly what {@code copyTo} would (bit for bit), also into a
 * parameter that requires a gradient while a gradient collector is open, and refuses values of
 * another shape or type.
 */
class AliasesIT {

    @Test
    @SuppressWarnings("try") // the collector is opened for its effect (grad mode on)
    void overwritesBitForBitEvenAGradientRequiringParameterInsideACollector() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            float[] values = {1.5f, -0f, 3e-39f, Float.NaN, Float.NEGATIVE_INFINITY, 1e30f};
            NDArray weight = manager.zeros(new Shape(2, 3));
            weight.setRequiresGradient(true);
            long before = manager.getManagedArrays().size();
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                Aliases.overwrite(weight, manager.create(values, new Shape(2, 3)));
            }
            float[] written = weight.toFloatArray();
            for (int i = 0; i < values.length; i++) {
                assertEquals(
                        Float.floatToRawIntBits(values[i]),
                        Float.floatToRawIntBits(written[i]),
                        "element " + i);
            }
            assertTrue(weight.hasGradient(), "still a parameter that requires a gradient");
            assertEquals(before + 1, manager.getManagedArrays().size(), "only the values array");
        }
    }

    @Test
    void refusesValuesOfAnotherShapeOrType() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray target = manager.zeros(new Shape(2, 3));
            IllegalArgumentException shape =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> Aliases.overwrite(target, manager.zeros(new Shape(3, 2))));
            assertEquals(
                    "cannot overwrite an array of float32 (2, 3) with values of float32 (3, 2)",
                    shape.getMessage());
            assertThrows(
                    IllegalArgumentException.class,
                    () ->
                            Aliases.overwrite(
                                    target, manager.zeros(new Shape(2, 3), DataType.FLOAT64)));
            assertArrayEquals(new float[6], target.toFloatArray());
        }
    }
}
