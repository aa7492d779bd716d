package ai.hesso.examples.bench.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The removal steps and counts of the iterative and one-shot schedules. */
class IterativeScheduleTest {

    @Test
    void fiveRemovalsOverTheWindowRaiseTheCountLinearly() {
        IterativeSchedule s = new IterativeSchedule(10, 30, 5, 12);
        List<Integer> steps = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (int step = 1; step <= 40; step++) {
            int i = s.removalAt(step);
            if (i > 0) {
                steps.add(step);
                counts.add(s.countAfter(i));
            }
        }
        assertEquals(List.of(14, 18, 22, 26, 30), steps);
        // floor(12 * i / 5)
        assertEquals(List.of(2, 4, 7, 9, 12), counts);
    }

    @Test
    void unevenWindowsRoundTheStepsAndStillEndAtTheTarget() {
        // window of 7 steps, 3 removals: 10 + round(7/3) = 12, 10 + round(14/3) = 15, 17
        IterativeSchedule s = new IterativeSchedule(10, 17, 3, 5);
        assertEquals(12, s.removalStep(1));
        assertEquals(15, s.removalStep(2));
        assertEquals(17, s.removalStep(3));
        assertEquals(1, s.countAfter(1));
        assertEquals(3, s.countAfter(2));
        assertEquals(5, s.countAfter(3));
    }

    @Test
    void oneShotRemovesEverythingAfterOneStep() {
        IterativeSchedule s = IterativeSchedule.oneShot(30, 112);
        assertEquals(0, s.removalAt(29));
        assertEquals(1, s.removalAt(30));
        assertEquals(0, s.removalAt(31));
        assertEquals(112, s.countAfter(1));
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new IterativeSchedule(10, 10, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new IterativeSchedule(10, 13, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> new IterativeSchedule(-1, 3, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new IterativeSchedule(0, 3, 1, -1));
        assertThrows(
                IllegalArgumentException.class,
                () -> new IterativeSchedule(0, 3, 1, 1).countAfter(2));
    }
}
