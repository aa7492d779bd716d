package ai.hesso.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The summary of repeated runs: median, spread and its line, by hand. */
class RatioSpreadTest {

    @Test
    void oddRunCountTakesTheMiddleRatio() {
        RatioSpread s = new RatioSpread(new double[] {1.047, 1.012, 1.031});
        assertEquals(1.031, s.median(), 0);
        assertEquals(1.012, s.lowest(), 0);
        assertEquals(1.047, s.highest(), 0);
        assertEquals("median 1.031 of 3 runs (1.012 to 1.047: 1.047, 1.012, 1.031)", s.describe());
    }

    @Test
    void evenRunCountAveragesTheMiddleTwo() {
        RatioSpread s = new RatioSpread(new double[] {1.10, 0.90, 1.00, 1.20});
        assertEquals(1.05, s.median(), 1e-12);
    }

    @Test
    void theRatiosAreCopied() {
        double[] ratios = {1.0, 2.0};
        RatioSpread s = new RatioSpread(ratios);
        ratios[0] = 9;
        s.ratios()[1] = 9;
        assertEquals(1.5, s.median(), 0);
    }

    @Test
    void refusesNoRunsAndNonFiniteRatios() {
        assertThrows(IllegalArgumentException.class, () -> new RatioSpread(new double[0]));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new RatioSpread(new double[] {1.0, Double.NaN}));
        assertEquals("every run's ratio must be finite, got [1.0, NaN]", e.getMessage());
    }
}
