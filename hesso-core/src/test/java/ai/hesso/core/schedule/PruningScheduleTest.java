package ai.hesso.core.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PruningScheduleTest {

    /** Returns the steps in 1..limit at which periods start. */
    private static List<Integer> periodStarts(PruningSchedule schedule, int limit) {
        List<Integer> starts = new ArrayList<>();
        for (int k = 1; k <= limit; k++) {
            if (schedule.startsPeriod(k, starts.size())) {
                starts.add(k);
            }
        }
        return starts;
    }

    @Test
    void periodsStartOneStepAfterTheWarmUpThenEveryTp() {
        // s = 10, pruningSteps 9, P = 3: Tp = 3, starts at 11, 14, 17
        PruningSchedule schedule = new PruningSchedule(10, 9, 3);
        assertEquals(3, schedule.periodLength());
        assertEquals(List.of(11, 14, 17), periodStarts(schedule, 100));
        assertEquals(1, schedule.offset(11));
        assertEquals(2, schedule.offset(12));
        assertTrue(schedule.endsPeriod(12));
        assertEquals(0, schedule.offset(13));
        assertFalse(schedule.endsPeriod(13));
        assertFalse(schedule.endsPeriod(9), "nothing ends during warm-up");
    }

    @Test
    void lastPruningStepIsWhereTheLastPeriodEnds() {
        // Tp = 3, starts 11, 14, 17; the period from 17 has offsets 1 (17) and 2 (18, its end)
        assertEquals(18, new PruningSchedule(10, 9, 3).lastPruningStep());
        // Tp = 1: periods start and end at 5, 6, 7, 8
        assertEquals(8, new PruningSchedule(5, 4, 4).lastPruningStep());
        // Tp = 4, starts 1 and 5; the second ends at offset 3, step 7
        assertEquals(7, new PruningSchedule(0, 8, 2).lastPruningStep());
    }

    @Test
    void periodLengthOneStartsAtTheWarmUpStepItself() {
        // (k - s - 1) mod 1 == 0 for every k >= s
        PruningSchedule schedule = new PruningSchedule(5, 4, 4);
        assertEquals(1, schedule.periodLength());
        assertEquals(List.of(5, 6, 7, 8), periodStarts(schedule, 100));
        assertEquals(0.0, schedule.projectionFactor(5));
        assertTrue(schedule.endsPeriod(5));
    }

    @Test
    void noWarmUpStartsAtStepOne() {
        PruningSchedule schedule = new PruningSchedule(0, 8, 2);
        assertEquals(List.of(1, 5), periodStarts(schedule, 100));
        assertEquals(1, schedule.offset(1));
    }

    @Test
    void periodLengthIsIntegerDivision() {
        PruningSchedule schedule = new PruningSchedule(0, 10, 3);
        assertEquals(3, schedule.periodLength());
        assertEquals(List.of(1, 4, 7), periodStarts(schedule, 100));
    }

    @ParameterizedTest
    @CsvSource({"1", "2", "3", "5", "8"})
    void projectionFactorsMultiplyToExactlyZeroAtTheEndOfEachPeriod(int tp) {
        PruningSchedule schedule = new PruningSchedule(3, tp * 2, 2);
        List<Integer> starts = periodStarts(schedule, 100);
        for (int start : starts) {
            double product = 1;
            int k = start;
            while (true) {
                product *= schedule.projectionFactor(k);
                if (schedule.endsPeriod(k)) {
                    break;
                }
                k++;
            }
            assertEquals(0.0, product, "period starting at " + start);
            // linear decay: after the first step a row keeps (Tp - t0 - 1) / (Tp - t0)
            int t0 = schedule.offset(start);
            assertEquals((tp - t0 - 1.0) / (tp - t0), schedule.projectionFactor(start), 1e-15);
        }
    }

    @Test
    void projectionFactorHandValues() {
        assertEquals(0.75, Projection.factor(4, 0));
        assertEquals(2.0 / 3, Projection.factor(4, 1), 1e-15);
        assertEquals(0.5, Projection.factor(4, 2));
        assertEquals(0.0, Projection.factor(4, 3));
        assertThrows(IllegalArgumentException.class, () -> Projection.factor(4, 4));
    }

    @Test
    void quotasGiveTheRemainderToTheLastPeriod() {
        PruningSchedule schedule = new PruningSchedule(0, 12, 4);
        assertArrayEquals(new int[] {2, 2, 2, 4}, schedule.quotas(10));
        assertArrayEquals(new int[] {0, 0, 0, 3}, schedule.quotas(3));
        assertArrayEquals(new int[] {0, 0, 0, 0}, schedule.quotas(0));
    }

    @Test
    void badSettingsNameTheSetting() {
        IllegalArgumentException periods =
                assertThrows(IllegalArgumentException.class, () -> new PruningSchedule(0, 5, 0));
        assertTrue(periods.getMessage().contains("pruningPeriods"));
        IllegalArgumentException steps =
                assertThrows(IllegalArgumentException.class, () -> new PruningSchedule(0, 2, 3));
        assertTrue(steps.getMessage().contains("pruningSteps"));
        IllegalArgumentException warmUp =
                assertThrows(IllegalArgumentException.class, () -> new PruningSchedule(-1, 5, 1));
        assertTrue(warmUp.getMessage().contains("startPruningStep"));
    }
}
