package ai.hesso.examples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The arithmetic of {@link PairedInference.Timing} on hand-made times; nothing is timed. */
class PairedInferenceTest {

    @Test
    void speedupIsTheMedianOfPairedRatios() {
        // rounds: 10/5 = 2, 20/5 = 4, 30/20 = 1.5 -> median 2 (the ratio of medians is 20/5 = 4)
        PairedInference.Timing t =
                new PairedInference.Timing(
                        64, 2, new double[] {10, 20, 30}, new double[] {5, 5, 20});
        assertEquals(2.0, t.speedup());
        assertEquals(20.0, t.denseMedianMs());
        assertEquals(5.0, t.compactMedianMs());
        // 64 images x 2 passes = 128 images per sample: 128 / 20 ms and 128 / 5 ms
        assertEquals(6400.0, t.denseImagesPerSecond(), 1e-9);
        assertEquals(25600.0, t.compactImagesPerSecond(), 1e-9);
    }

    @Test
    void evenCountsAverageTheMiddlePair() {
        PairedInference.Timing t =
                new PairedInference.Timing(
                        1, 1, new double[] {4, 9, 6, 3}, new double[] {2, 3, 2, 1});
        // ratios 2, 3, 3, 3 -> median (3 + 3) / 2; dense times 3 4 6 9 -> 5
        assertEquals(3.0, t.speedup());
        assertEquals(5.0, t.denseMedianMs());
        assertEquals(2.0, t.compactMedianMs());
    }

    @Test
    void timesAreCopied() {
        double[] dense = {1, 2};
        PairedInference.Timing t = new PairedInference.Timing(1, 1, dense, new double[] {1, 1});
        dense[0] = 100;
        assertArrayEquals(new double[] {1, 2}, t.denseMs());
    }

    @Test
    void refusesBadCounts() {
        assertEquals(
                "1 dense samples but 2 compact",
                assertThrows(
                                IllegalArgumentException.class,
                                () ->
                                        new PairedInference.Timing(
                                                1, 1, new double[] {1}, new double[] {1, 2}))
                        .getMessage());
        assertEquals(
                "timed rounds must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new PairedInference(0, 0))
                        .getMessage());
        assertEquals(
                "warm-up rounds must be at least 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> new PairedInference(-1, 3))
                        .getMessage());
    }
}
