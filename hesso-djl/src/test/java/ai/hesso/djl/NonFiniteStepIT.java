package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.Phase;
import ai.hesso.core.variant.VariantSettings;
import ai.hesso.djl.checkpoint.HessoCheckpoint;
import ai.hesso.djl.engine.EngineState;
import ai.hesso.djl.engine.SavedArray;
import ai.hesso.fixtures.SyntheticData;
import ai.hesso.fixtures.TinyModels;
import ai.hesso.testing.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Steps with a NaN or an infinity in a gradient or in the loss are skipped whole: the run ends bit
 * for bit like the same run without those steps' batches, nothing non-finite reaches the parameters
 * or the optimizer state, and the skipped steps are counted.
 */
class NonFiniteStepIT {

    /** Every skipped step is said at WARN; the tests check each one. */
    @RegisterExtension final LogCapture log = LogCapture.warningsOf(NonFiniteGuard.class);

    /** What a step's batch is given. */
    enum Poison {
        NAN_GRADIENT,
        INF_GRADIENT,
        NAN_LOSS,
        INF_LOSS
    }

    /** A poisoned batch inserted after {@code afterStep} clean steps. */
    record Injection(int afterStep, Poison poison) {}

    static Stream<Arguments> injections() {
        return Stream.of(
                // periods start at 7, 11, 15 and end at 9, 13, 17
                Arguments.of(
                        "warm-up, inside a period and at a period start",
                        Scenario.periodic(),
                        30,
                        List.of(
                                new Injection(2, Poison.NAN_GRADIENT),
                                new Injection(7, Poison.INF_GRADIENT),
                                new Injection(7, Poison.NAN_LOSS),
                                new Injection(10, Poison.INF_LOSS))),
                // CRIC: reference at 5, probes 5..16, cycles 17..22, hybrid 23..28
                Arguments.of(
                        "CRIC's reference step, probe phase, cycles and hybrid phase",
                        Scenario.cric(),
                        34,
                        List.of(
                                new Injection(4, Poison.NAN_LOSS),
                                new Injection(7, Poison.NAN_GRADIENT),
                                new Injection(8, Poison.INF_LOSS),
                                new Injection(18, Poison.INF_GRADIENT),
                                new Injection(24, Poison.NAN_GRADIENT))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("injections")
    void poisonedStepsAreSkippedAsIfTheirBatchesWereNotThere(
            String where, HessoSettings pruning, int steps, List<Injection> injections) {
        for (VariantSettings variant : List.of(Scenario.sgd(), Scenario.adam())) {
            try (NDManager manager = NDManager.newBaseManager()) {
                List<NDList> batches = Scenario.batches(manager);
                Result clean = run(pruning, variant, batches, steps, List.of());
                assertEquals(List.of(), log.take());
                Result poisoned = run(pruning, variant, batches, steps, injections);
                assertEquals(skipWarnings(injections, poisoned.victim), log.take());
                assertEquals(0, clean.skipped);
                assertEquals(injections.size(), poisoned.skipped, variant + " " + where);
                assertEquals(steps, poisoned.step, "skipped steps are not counted as steps");
                for (String name : clean.parameters.keySet()) {
                    assertArrayEquals(
                            clean.parameters.get(name),
                            poisoned.parameters.get(name),
                            variant + " " + name);
                }
                for (String group : clean.pruned.keySet()) {
                    assertArrayEquals(clean.pruned.get(group), poisoned.pruned.get(group), group);
                }
                assertEquals(clean.state.driver(), poisoned.state.driver());
            }
        }
    }

    @Test
    void aNanInputBatchLeavesBatchNormRunningStatisticsAsTheyWere() {
        // a CNN with BatchNorm: its forward pass writes the running statistics before the optimizer
        // sees the step, and a NaN input makes them NaN; the skipped step writes them back
        HessoSettings pruning =
                HessoSettings.builder()
                        .optTargetGroupSparsity(0.5)
                        .optStartPruningStep(3)
                        .setPruningSteps(6)
                        .optPruningPeriods(2)
                        .build();
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDList> batches =
                    SyntheticData.fixedBatches(manager, 8, 8, new Shape(1, 8, 8), 3, 31);
            NDArray poisoned = batches.get(0).get(0).duplicate();
            poisoned.set(new NDIndex("0, 0, 3, 3"), Float.NaN);
            NDList nanBatch = new NDList(poisoned, batches.get(0).get(1));
            Map<String, byte[]> clean = null;
            for (boolean poison : new boolean[] {false, true}) {
                try (TrainingHarness run =
                        new TrainingHarness(
                                TinyModels.smallCnn(3),
                                new Shape(8, 1, 8, 8),
                                7,
                                b ->
                                        HessoBuilders.of(Scenario.sgd())
                                                .setLearningRate(0.05)
                                                .setBlock(b)
                                                .setPruning(pruning)
                                                .build())) {
                    for (int k = 1; k <= 14; k++) {
                        if (poison && (k == 3 || k == 8)) {
                            run.step(nanBatch);
                        }
                        run.step(batches.get((k - 1) % batches.size()));
                    }
                    HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
                    assertEquals(poison ? 2 : 0, hesso.metrics().skippedSteps());
                    assertEquals(
                            poison
                                    ? List.of(
                                            "HESSO: skipped step 3: the loss (NaN) is not finite;"
                                                    + " no tensor or state changed (1 skipped so"
                                                    + " far, 1 in a row)",
                                            "HESSO: skipped step 8: the loss (NaN) is not finite;"
                                                    + " no tensor or state changed (2 skipped so"
                                                    + " far, 1 in a row)")
                                    : List.of(),
                            log.take());
                    assertFinite(run, hesso.checkpoint());
                    Map<String, byte[]> parameters = Scenario.parameterBytes(run.model.getBlock());
                    assertTrue(
                            parameters.keySet().stream().anyMatch(n -> n.endsWith("runningMean")),
                            parameters.keySet().toString());
                    if (clean == null) {
                        clean = parameters;
                    } else {
                        for (String name : clean.keySet()) {
                            assertArrayEquals(clean.get(name), parameters.get(name), name);
                        }
                    }
                }
            }
        }
    }

    @Test
    void failPolicyStopsBeforeAnyTensorIsTouched() {
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness run =
                        Scenario.harness(
                                Scenario.periodic(),
                                Scenario.sgd(),
                                7,
                                b -> b.optNonFinitePolicy(NonFinitePolicy.FAIL))) {
            List<NDList> batches = Scenario.batches(manager);
            for (int k = 1; k <= 8; k++) {
                run.step(Scenario.batch(batches, k));
            }
            Map<String, byte[]> before = Scenario.parameterBytes(run.model.getBlock());
            String victim = poisonOnNextStep(run, Poison.NAN_GRADIENT);
            NonFiniteStepException e =
                    assertThrows(
                            NonFiniteStepException.class,
                            () -> run.step(Scenario.batch(batches, 9)));
            assertEquals(
                    "step 9: the gradient of '"
                            + victim
                            + "' is not finite (NaN or infinite); nonFinitePolicy is FAIL, so"
                            + " training stops before any tensor is touched",
                    e.getMessage());
            assertEquals(9, e.step());
            Map<String, byte[]> after = Scenario.parameterBytes(run.model.getBlock());
            for (String name : before.keySet()) {
                assertArrayEquals(before.get(name), after.get(name), name);
            }
            assertEquals(8, ((HessoOptimizer) run.optimizer).metrics().step());
        }
    }

    @Test
    void tooManySkipsInARowGiveUp() {
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness run =
                        Scenario.harness(
                                Scenario.periodic(),
                                Scenario.sgd(),
                                7,
                                b -> b.optMaxConsecutiveSkips(3))) {
            List<NDList> batches = Scenario.batches(manager);
            run.step(Scenario.batch(batches, 1));
            poisonOnNextStep(run, Poison.NAN_LOSS);
            run.step(Scenario.batch(batches, 2));
            poisonOnNextStep(run, Poison.NAN_LOSS);
            run.step(Scenario.batch(batches, 2));
            HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
            assertEquals(2, hesso.metrics().skippedSteps());
            // a good step resets the count in a row
            run.step(Scenario.batch(batches, 2));
            for (int i = 0; i < 2; i++) {
                poisonOnNextStep(run, Poison.INF_LOSS);
                run.step(Scenario.batch(batches, 3));
            }
            poisonOnNextStep(run, Poison.INF_LOSS);
            NonFiniteStepException e =
                    assertThrows(
                            NonFiniteStepException.class,
                            () -> run.step(Scenario.batch(batches, 3)));
            assertEquals(
                    "step 3: the loss (Infinity) is not finite; that makes 3 non-finite steps in a"
                            + " row, the most allowed by optMaxConsecutiveSkips(3); lower the"
                            + " learning rate or check the data",
                    e.getMessage());
            assertEquals("the loss (Infinity)", e.offender());
            assertEquals(
                    List.of(
                            "HESSO: skipped step 2: the loss (NaN) is not finite; no tensor or"
                                    + " state changed (1 skipped so far, 1 in a row)",
                            "HESSO: skipped step 2: the loss (NaN) is not finite; no tensor or"
                                    + " state changed (2 skipped so far, 2 in a row)",
                            "HESSO: skipped step 3: the loss (Infinity) is not finite; no tensor"
                                    + " or state changed (3 skipped so far, 1 in a row)",
                            "HESSO: skipped step 3: the loss (Infinity) is not finite; no tensor"
                                    + " or state changed (4 skipped so far, 2 in a row)"),
                    log.take(),
                    "the third in a row fails instead of warning");
        }
    }

    /**
     * The warning each injection gives, in order: the step it would have been, what is not finite,
     * how many were skipped so far and how many in a row.
     */
    private static List<String> skipWarnings(List<Injection> injections, String victim) {
        List<String> warnings = new ArrayList<>();
        int inARow = 0;
        for (int i = 0; i < injections.size(); i++) {
            Injection injection = injections.get(i);
            boolean follows = i > 0 && injections.get(i - 1).afterStep() == injection.afterStep();
            inARow = follows ? inARow + 1 : 1;
            String offender =
                    switch (injection.poison()) {
                        case NAN_GRADIENT, INF_GRADIENT -> "the gradient of '" + victim + "'";
                        case NAN_LOSS -> "the loss (NaN)";
                        case INF_LOSS -> "the loss (Infinity)";
                    };
            warnings.add(
                    "HESSO: skipped step "
                            + (injection.afterStep() + 1)
                            + ": "
                            + offender
                            + " is not finite; no tensor or state changed ("
                            + (i + 1)
                            + " skipped so far, "
                            + inARow
                            + " in a row)");
        }
        return warnings;
    }

    /** The outcome of a run. */
    private record Result(
            Map<String, byte[]> parameters,
            Map<String, int[]> pruned,
            HessoCheckpoint state,
            int skipped,
            int step,
            String victim) {}

    private static Result run(
            HessoSettings pruning,
            VariantSettings variant,
            List<NDList> batches,
            int steps,
            List<Injection> injections) {
        try (TrainingHarness run =
                Scenario.harness(pruning, variant, 7, UnaryOperator.identity())) {
            HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
            List<Injection> left = new ArrayList<>(injections);
            for (int k = 1; k <= steps; k++) {
                while (!left.isEmpty() && left.get(0).afterStep() == k - 1) {
                    Injection injection = left.remove(0);
                    poisonOnNextStep(run, injection.poison());
                    // a batch the clean run never sees
                    run.step(Scenario.batch(batches, k + 5));
                }
                run.step(Scenario.batch(batches, k));
            }
            assertEquals(Phase.PRUNED, hesso.metrics().phase());
            HessoCheckpoint state = hesso.checkpoint();
            assertFinite(run, state);
            return new Result(
                    Scenario.parameterBytes(run.model.getBlock()),
                    hesso.driver().prunedChannels(),
                    state,
                    hesso.metrics().skippedSteps(),
                    hesso.metrics().step(),
                    run.model.getBlock().getParameters().get(1).getKey());
        }
    }

    /**
     * Makes the next step's gradient of the block's second parameter (or its loss) non-finite, then
     * restores the normal loss hand-over; returns the poisoned parameter's path.
     */
    private static String poisonOnNextStep(TrainingHarness run, Poison poison) {
        HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
        String victim = run.model.getBlock().getParameters().get(1).getKey();
        run.setLossSink(
                loss -> {
                    switch (poison) {
                        case NAN_GRADIENT, INF_GRADIENT -> {
                            try (NDArray gradient =
                                    run.parameter(victim).getArray().getGradient()) {
                                gradient.set(
                                        new NDIndex("0"),
                                        poison == Poison.NAN_GRADIENT
                                                ? Float.NaN
                                                : Float.NEGATIVE_INFINITY);
                            }
                            hesso.setLoss(loss);
                        }
                        case NAN_LOSS -> hesso.setLoss(Double.NaN);
                        case INF_LOSS -> hesso.setLoss(Double.POSITIVE_INFINITY);
                    }
                    run.setLossSink(hesso::setLoss);
                });
        return victim;
    }

    /** No parameter and no array of the optimizer's state holds a NaN or an infinity. */
    private static void assertFinite(TrainingHarness run, HessoCheckpoint state) {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (var pair : run.model.getBlock().getParameters()) {
                assertAllFinite(pair.getValue().getArray(), pair.getKey());
            }
            for (EngineState.Direction direction : state.engine().directions()) {
                for (SavedArray saved : new SavedArray[] {direction.first(), direction.second()}) {
                    if (saved != null) {
                        assertAllFinite(
                                manager.decode(saved.encoded()), direction.slot().toString());
                    }
                }
            }
            for (EngineState.Snapshot snapshot : state.engine().snapshots()) {
                assertAllFinite(
                        manager.decode(snapshot.values().encoded()), snapshot.slot().toString());
            }
        }
        var statistics = state.driver().identification().lastStatistics();
        for (double[] values :
                new double[][] {
                    statistics.valueSquares(),
                    statistics.directionSquares(),
                    statistics.valueDirectionDot()
                }) {
            for (double v : values) {
                assertTrue(Double.isFinite(v), "statistics hold " + v);
            }
        }
    }

    private static void assertAllFinite(NDArray array, String what) {
        try (NDArray bad = array.isNaN().logicalOr(array.isInfinite()).any()) {
            assertTrue(!bad.getBoolean(), what + " holds a non-finite value");
        }
    }
}
