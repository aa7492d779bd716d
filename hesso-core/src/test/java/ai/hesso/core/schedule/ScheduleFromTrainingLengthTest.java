package ai.hesso.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.core.HessoSettings;
import org.junit.jupiter.api.Test;

/** The schedule derived from the training length: warm-up T/10, periods over by 3T/10. */
class ScheduleFromTrainingLengthTest {

    @Test
    void ruleOfThumbForSeveralLengths() {
        // T = 1000: warm-up 1000/10 = 100, end 3000/10 = 300, so 200 pruning steps; 5 periods of
        // 40.
        assertEquals(new PruningSchedule(100, 200, 5), PruningSchedule.forTraining(1000, 5));
        // T = 938 (2 epochs of 469 batches): warm-up 93, end floor(2814/10) = 281, 188 steps.
        assertEquals(new PruningSchedule(93, 188, 5), PruningSchedule.forTraining(938, 5));
        assertEquals(37, PruningSchedule.forTraining(938, 5).periodLength()); // 188 / 5
        // T = 7: warm-up 0, end floor(21/10) = 2, 2 steps: enough for 2 periods of 1 step.
        assertEquals(new PruningSchedule(0, 2, 2), PruningSchedule.forTraining(7, 2));
        // T = 10: warm-up 1, end 3, 2 steps.
        assertEquals(new PruningSchedule(1, 2, 1), PruningSchedule.forTraining(10, 1));
    }

    @Test
    void tooShortRunIsExplainedWithTheShortestThatFits() {
        // T = 20 with 5 periods: 2 .. 6 is 4 steps < 5. T = 24: 2 .. 7 = 5 steps, the first that
        // fits
        // (T = 21, 22, 23 give 2 .. 6 = 4; T = 24 gives floor(72/10) = 7).
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> PruningSchedule.forTraining(20, 5));
        assertEquals(
                "a run of 20 steps is too short for 5 pruning period(s): the rule of thumb prunes"
                        + " between steps 2 and 6, 4 step(s); train for at least 24 steps, use"
                        + " fewer periods, or set startPruningStep and pruningSteps yourself",
                e.getMessage());
        assertEquals(new PruningSchedule(2, 5, 5), PruningSchedule.forTraining(24, 5));
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> PruningSchedule.forTraining(0, 1))
                        .getMessage()
                        .startsWith("totalSteps must be >= 1"));
    }

    @Test
    void builderDerivesTheScheduleWithFivePeriodsByDefault() {
        HessoSettings settings = HessoSettings.builder().optSchedule(1000).build();
        assertEquals(new PruningSchedule(100, 200, 5), settings.schedule().orElseThrow());
        HessoSettings three =
                HessoSettings.builder().optSchedule(1000).optPruningPeriods(3).build();
        assertEquals(new PruningSchedule(100, 200, 3), three.schedule().orElseThrow());
        // The explicit setters still work as before: defaults warm-up 0 and one period.
        assertEquals(
                new PruningSchedule(0, 50, 1),
                HessoSettings.builder().setPruningSteps(50).build().schedule().orElseThrow());
    }

    @Test
    void builderRefusesTheScheduleTogetherWithExplicitSteps() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                HessoSettings.builder()
                                        .optSchedule(1000)
                                        .optStartPruningStep(10)
                                        .build());
        assertEquals(
                "optSchedule(1000) derives startPruningStep and pruningSteps: do not also set them"
                        + " (got startPruningStep=10, pruningSteps=null)",
                e.getMessage());
    }
}
