package ai.hesso.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The arithmetic of {@link InferenceRounds.Timing} on hand-made times, and the round order. */
class InferenceRoundsTest {

    @Test
    void speedupsAreMediansOfPerRoundRatiosToTheReference() {
        InferenceRounds.Timing t =
                new InferenceRounds.Timing(
                        16,
                        2,
                        List.of("zeroed", "compact", "onnx"),
                        new double[][] {{10, 20, 30}, {5, 5, 10}, {10, 40, 10}});
        assertEquals(1.0, t.speedup(0));
        // ratios 2, 4, 3 -> median 3
        assertEquals(3.0, t.speedup(1));
        // ratios 1, 0.5, 3 -> median 1
        assertEquals(1.0, t.speedup(2));
        assertEquals(5.0, t.medianMs(1));
        // 16 images x 2 passes in 5 ms
        assertEquals(6400.0, t.imagesPerSecond(1), 1e-9);
    }

    @Test
    void everyRoundStartsWithTheNextContender() throws Exception {
        List<String> order = new ArrayList<>();
        new InferenceRounds(0, 3)
                .time(
                        1,
                        1,
                        List.of("a", "b"),
                        List.of(calls -> order.add("a"), calls -> order.add("b")));
        assertEquals(List.of("a", "b", "b", "a", "a", "b"), order);
    }

    @Test
    void badSizesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new InferenceRounds(0, 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new InferenceRounds.Timing(1, 1, List.of("a"), new double[][] {}));
    }
}
