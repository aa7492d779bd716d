package ai.hesso.djl.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hesso.core.variant.ReferenceDirection;
import ai.hesso.core.variant.Variant;
import ai.hesso.core.variant.VariantSettings;
import org.junit.jupiter.api.Test;

/** The engine's directions against hand values and the core's double-precision reference. */
class DirectionStateIT {

    private static double[] toDoubles(NDArray array) {
        float[] floats = array.toFloatArray();
        double[] doubles = new double[floats.length];
        for (int i = 0; i < floats.length; i++) {
            doubles[i] = floats[i];
        }
        return doubles;
    }

    @Test
    void rescaleThenSymmetricClipThenWeightDecay() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DirectionState sgd =
                    new DirectionState(VariantSettings.sgd(0, 0, 0.1), 2f, 0.25f, manager);
            NDArray x = manager.create(new float[] {1, 1, 1});
            NDArray g = manager.create(new float[] {-1, 1, 0.05f});
            // 2g = [-2, 2, 0.1], clipped to [-0.25, 0.25, 0.1], plus 0.1 x
            assertArrayEquals(
                    new double[] {-0.15, 0.35, 0.2},
                    toDoubles(sgd.direction(x, g, true, manager)),
                    1e-7);
        }
    }

    @Test
    void previewLeavesTheStateAndCommitMatchesTheReference() {
        for (VariantSettings settings :
                new VariantSettings[] {
                    VariantSettings.sgd(0.9, 0.1, 0.01),
                    VariantSettings.adam(Variant.ADAM, 0.9, 0.999, 0.01),
                    VariantSettings.adam(Variant.ADAMW, 0.8, 0.99, 0.5)
                }) {
            try (NDManager manager = NDManager.newBaseManager()) {
                DirectionState engine = new DirectionState(settings, 1f, -1f, manager);
                ReferenceDirection reference = new ReferenceDirection(settings);
                double[] x = {0.5, -1.5, 2};
                double[][] gradients = {{0.1, -0.2, 0.3}, {-0.4, 0.5, 0.05}, {0.2, 0.2, -0.6}};
                NDArray xs = manager.create(new float[] {0.5f, -1.5f, 2f});
                for (int k = 1; k <= 3; k++) {
                    double[] g = gradients[k - 1];
                    NDArray gs =
                            manager.create(new float[] {(float) g[0], (float) g[1], (float) g[2]});
                    double[] preview = toDoubles(engine.direction(xs, gs, false, manager));
                    double[] committed = toDoubles(engine.direction(xs, gs, true, manager));
                    assertArrayEquals(preview, committed, 0, settings + " step " + k);
                    assertArrayEquals(
                            reference.direction(x, g), committed, 1e-5, settings + " step " + k);
                }
            }
        }
    }

    /**
     * Adam's bias correction counts updates, not calls (spec section 2): after CRIC-like previews
     * without updates the engine's first committed direction is corrected with {@code j = 1}, like
     * the reference's, on the op-by-op path and on DJL's fused kernel alike.
     */
    @Test
    void adamCorrectionCountsUpdatesOnBothPaths() {
        VariantSettings settings = VariantSettings.adam(Variant.ADAM, 0.9, 0.999, 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            DirectionState opByOp = new DirectionState(settings, 1f, -1f, manager);
            DirectionState fused = new DirectionState(settings, 1f, -1f, manager);
            ReferenceDirection reference = new ReferenceDirection(settings);
            double[] x = {0.5, -1.5, 2};
            double[] g = {0.1, -0.2, 0.3};
            NDArray xs = manager.create(new float[] {0.5f, -1.5f, 2f});
            NDArray gs = manager.create(new float[] {0.1f, -0.2f, 0.3f});
            for (int preview = 0; preview < 4; preview++) {
                opByOp.direction(xs, gs, false, manager);
                reference.direction(x, g, false);
            }
            double[] expected = reference.direction(x, g);
            // j = 1: each entry is g / (|g| + eps), so about +-1
            assertArrayEquals(new double[] {1, -1, 1}, expected, 1e-6);
            assertArrayEquals(expected, toDoubles(opByOp.direction(xs, gs, true, manager)), 1e-6);
            assertEquals(1, opByOp.updates());
            NDArray weight = manager.create(new float[] {0.5f, -1.5f, 2f});
            fused.fusedAdamStep(weight, gs, 0.1);
            assertEquals(1, fused.updates());
            // x - 0.1 d with d about [1, -1, 1]
            assertArrayEquals(new double[] {0.4, -1.4, 1.9}, toDoubles(weight), 1e-6);
        }
    }
}
