package ai.hesso.core.variant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReferenceDirectionTest {

    @Test
    void plainSgdAddsWeightDecay() {
        ReferenceDirection sgd = new ReferenceDirection(VariantSettings.sgd(0, 0, 0.1));
        // g' = g + 0.1 x = [1 + 0.2, -1 - 0.1]
        assertArrayEquals(
                new double[] {1.2, -1.1},
                sgd.direction(new double[] {2, -1}, new double[] {1, -1}),
                1e-15);
    }

    @Test
    void momentumBufferStartsAtTheFirstGradient() {
        ReferenceDirection sgd = new ReferenceDirection(VariantSettings.sgd(0.9, 0.5, 0));
        double[] x = {0};
        assertArrayEquals(new double[] {2}, sgd.direction(x, new double[] {2}), 0);
        // 0.9 * 2 + 0.5 * 4 = 3.8
        assertArrayEquals(new double[] {3.8}, sgd.direction(x, new double[] {4}), 1e-15);
        // 0.9 * 3.8 + 0.5 * -1 = 2.92
        assertArrayEquals(new double[] {2.92}, sgd.direction(x, new double[] {-1}), 1e-15);
    }

    @Test
    void adamUsesZeroInitialisedMomentsWithBiasCorrection() {
        ReferenceDirection adam =
                new ReferenceDirection(VariantSettings.adam(Variant.ADAM, 0.9, 0.999, 0));
        double[] x = {0};
        // step 1: m = 0.1 g, v = 0.001 g^2 -> m/0.1 / (sqrt(v/0.001) + eps) = g / (|g| + eps)
        assertArrayEquals(
                new double[] {0.5 / (0.5 + 1e-8)}, adam.direction(x, new double[] {0.5}), 1e-15);
        // step 2 with g = -1: m = 0.09*0.5... by hand
        double m = 0.9 * 0.05 + 0.1 * -1;
        double v = 0.999 * 0.00025 + 0.001 * 1;
        double expected = (m / (1 - 0.81)) / (Math.sqrt(v / (1 - 0.998001)) + 1e-8);
        assertArrayEquals(new double[] {expected}, adam.direction(x, new double[] {-1}), 1e-15);
    }

    @Test
    void adamwDoesNotAddDecayToTheGradient() {
        ReferenceDirection adamw =
                new ReferenceDirection(VariantSettings.adam(Variant.ADAMW, 0.9, 0.999, 0.5));
        ReferenceDirection adam =
                new ReferenceDirection(VariantSettings.adam(Variant.ADAM, 0.9, 0.999, 0.0));
        double[] x = {3};
        double[] g = {0.25};
        assertArrayEquals(adam.direction(x, g), adamw.direction(x, g), 0);
    }

    @Test
    void badSettingsNameTheSetting() {
        assertThrows(IllegalArgumentException.class, () -> VariantSettings.sgd(1.0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> VariantSettings.sgd(0.9, 0, -1));
        assertThrows(
                IllegalArgumentException.class,
                () -> VariantSettings.adam(Variant.ADAM, 1.0, 0.999, 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> VariantSettings.adam(Variant.SGD, 0.9, 0.999, 0));
    }

    /**
     * Spec section 2: Adam's bias correction counts the updates that advanced the moments, not the
     * optimizer steps. Previews (CRIC's scoring steps without an update) do not count, so the first
     * committed update after any number of previews is corrected with {@code j = 1}.
     */
    @Test
    void adamBiasCorrectionCountsUpdatesNotPreviews() {
        ReferenceDirection adam =
                new ReferenceDirection(VariantSettings.adam(Variant.ADAM, 0.9, 0.999, 0));
        double[] x = {0};
        for (int preview = 0; preview < 5; preview++) {
            adam.direction(x, new double[] {7}, false);
        }
        assertEquals(0, adam.updates());
        // j = 1: m = 0.1 * 0.5, v = 0.001 * 0.25 -> (0.05 / 0.1) / (sqrt(0.00025 / 0.001) + eps)
        assertArrayEquals(
                new double[] {0.5 / (0.5 + 1e-8)}, adam.direction(x, new double[] {0.5}), 1e-15);
        adam.direction(x, new double[] {3}, false);
        // j = 2 (not 7): m = 0.9 * 0.05 + 0.1 * -1 = -0.055, v = 0.999 * 0.00025 + 0.001 =
        // 0.00124975
        double expected = (-0.055 / (1 - 0.81)) / (Math.sqrt(0.00124975 / (1 - 0.998001)) + 1e-8);
        assertArrayEquals(new double[] {expected}, adam.direction(x, new double[] {-1}), 1e-15);
        assertEquals(2, adam.updates());
        // counting the 7 optimizer calls instead would give a clearly different update
        double stepCounted =
                (-0.055 / (1 - Math.pow(0.9, 7)))
                        / (Math.sqrt(0.00124975 / (1 - Math.pow(0.999, 7))) + 1e-8);
        assertTrue(Math.abs(stepCounted - expected) > 0.1, "j must not count the previews");
    }

    @Test
    void previewDoesNotAdvanceTheState() {
        ReferenceDirection adam =
                new ReferenceDirection(VariantSettings.adam(Variant.ADAM, 0.9, 0.999, 0));
        ReferenceDirection fresh =
                new ReferenceDirection(VariantSettings.adam(Variant.ADAM, 0.9, 0.999, 0));
        double[] x = {1, 2};
        double[] g = {0.3, -0.7};
        double[] preview = adam.direction(x, g, false);
        assertArrayEquals(fresh.direction(x, g), preview, 0);
        // the state is still empty: step 1 again gives the same, and committing twice differs
        assertArrayEquals(preview, adam.direction(x, g, true), 0);
        ReferenceDirection sgd = new ReferenceDirection(VariantSettings.sgd(0.5, 0, 0));
        sgd.direction(x, g, true);
        double[] peek = sgd.direction(x, g, false);
        assertArrayEquals(peek, sgd.direction(x, g, true), 0);
        assertArrayEquals(new double[] {0.45, -1.05}, peek, 1e-15);
    }
}
