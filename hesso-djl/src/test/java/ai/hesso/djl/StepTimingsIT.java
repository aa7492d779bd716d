package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Step timings count the steps taken, name the phases in step order, and change nothing the
 * optimizer computes.
 */
class StepTimingsIT {

    private static Map<String, byte[]> train(boolean timed, int steps, List<String> phases)
            throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness run =
                        Scenario.harness(
                                Scenario.periodic(),
                                Scenario.adam(),
                                7,
                                b -> b.optStepTimings(timed))) {
            List<NDList> batches = Scenario.batches(manager);
            HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
            for (int k = 1; k <= steps; k++) {
                run.step(Scenario.batch(batches, k));
            }
            if (timed) {
                StepTimings timings = hesso.stepTimings().orElseThrow();
                assertEquals(steps, timings.steps());
                phases.addAll(timings.byPhase().keySet());
                for (Duration d : timings.byPhase().values()) {
                    assertTrue(!d.isNegative(), timings.toString());
                }
                assertTrue(timings.total().compareTo(Duration.ZERO) > 0, timings.toString());
            } else {
                assertTrue(hesso.stepTimings().isEmpty());
            }
            return Scenario.parameterBytes(run.model.getBlock());
        }
    }

    @Test
    void timedStepsAreNamedByPhaseAndComputeTheSame() throws Exception {
        List<String> phases = new java.util.ArrayList<>();
        // periods start at 7 and 11: 12 steps cross a scoring step, a period and a pruning
        Map<String, byte[]> timed = train(true, 12, phases);
        Map<String, byte[]> plain = train(false, 12, new java.util.ArrayList<>());
        assertEquals(
                List.of(
                        "finite check",
                        "forward state",
                        "plan",
                        "pruned check",
                        "snapshot",
                        "clear pruned rows",
                        "direction",
                        "masks and projection"),
                phases,
                "the update clears each gradient itself: no separate clear on these steps");
        assertEquals(plain.keySet(), timed.keySet());
        for (String name : plain.keySet()) {
            assertArrayEquals(plain.get(name), timed.get(name), name);
        }
    }
}
