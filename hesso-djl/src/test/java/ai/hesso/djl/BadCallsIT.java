package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.djl.checkpoint.HessoCheckpoint;
import ai.hesso.fixtures.ModelPatterns;
import ai.hesso.fixtures.TinyModels;
import ai.hesso.testing.LogCapture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad calls and settings that only a model reveals: each fails with a message naming the value and
 * what would be valid, before it can damage a run.
 */
class BadCallsIT {

    @TempDir Path dir;

    @RegisterExtension final LogCapture log = LogCapture.warningsOf(TrainingRun.class);

    private static <T extends RuntimeException> String message(Class<T> type, Runnable action) {
        return assertThrows(type, action::run).getMessage();
    }

    @Test
    void anUpdateForAParameterOfAnotherBlockIsRefused() {
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness run =
                        Scenario.harness(Scenario.periodic(), Scenario.sgd(), 7, b -> b)) {
            run.step(Scenario.batch(Scenario.batches(manager), 1));
            NDArray weight = manager.ones(new Shape(2, 2));
            String text =
                    message(
                            IllegalStateException.class,
                            () -> run.optimizer.update("not-a-parameter-id", weight, weight));
            assertEquals(
                    "parameter id not-a-parameter-id is not a parameter of the block given to"
                            + " setBlock(..): a HessoOptimizer trains the one block it was built"
                            + " with (6 parameters, e.g. 01Linear_weight); build"
                            + " a new optimizer for another model",
                    text);
        }
    }

    @Test
    void aSecondModelTrainedWithTheSameOptimizerIsRefused() {
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness first =
                        Scenario.harness(Scenario.periodic(), Scenario.sgd(), 7, b -> b)) {
            List<NDList> batches = Scenario.batches(manager);
            first.step(Scenario.batch(batches, 1));
            try (TrainingHarness second =
                    new TrainingHarness(
                            TinyModels.mlp(6, 16, 3), Scenario.INPUT, 7, b -> first.optimizer)) {
                String text =
                        message(
                                IllegalStateException.class,
                                () -> second.step(Scenario.batch(batches, 2)));
                assertTrue(
                        text.contains(
                                "is not a parameter of the block given to setBlock(..): a"
                                        + " HessoOptimizer trains the one block it was built"
                                        + " with"),
                        text);
            }
        }
    }

    @Test
    void aTrackerThatGoesBadLaterIsCaughtAtThatStep() {
        ParameterTracker nanAtThree = (id, step) -> step == 3 ? Float.NaN : 0.1f;
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness run =
                        Scenario.harness(
                                Scenario.periodic(),
                                Scenario.sgd(),
                                7,
                                b -> b.setLearningRateTracker(nanAtThree))) {
            List<NDList> batches = Scenario.batches(manager);
            run.step(Scenario.batch(batches, 1));
            run.step(Scenario.batch(batches, 2));
            String text =
                    message(
                            IllegalArgumentException.class,
                            () -> run.step(Scenario.batch(batches, 3)));
            assertTrue(text.startsWith("the learning rate tracker returned NaN at step 3"), text);
            assertTrue(text.endsWith("; learning rates must be finite and >= 0"), text);
        }
    }

    @Test
    void groupDivisibleThatPrunesNothingIsRefusedAtTheFirstStep() {
        // the case: hidden layers of 24 and 16, groupDivisible 16, two periods
        HessoSettings settings =
                HessoSettings.builder()
                        .optTargetGroupSparsity(0.5)
                        .optStartPruningStep(2)
                        .setPruningSteps(8)
                        .optPruningPeriods(2)
                        .optGroupDivisible(16)
                        .build();
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness run =
                        new TrainingHarness(
                                ModelPatterns.mlp(24, 16, 3),
                                Scenario.INPUT,
                                7,
                                b ->
                                        Hesso.sgd()
                                                .setLearningRate(0.1)
                                                .setBlock(b)
                                                .setPruning(settings)
                                                .build())) {
            String text =
                    message(
                            IllegalArgumentException.class,
                            () -> run.step(Scenario.batch(Scenario.batches(manager), 1)));
            assertTrue(
                    text.startsWith(
                            "groupDivisible 16 leaves nothing to prune: the largest selection is"
                                    + " 6 channels (quotas [6, 6] of target 12), but even node"
                                    + " group '"),
                    text);
            assertTrue(
                    text.endsWith(
                            "' (24 channels) keeps a multiple of 16 only if one selection takes"
                                    + " at least 8 of its channels; use fewer pruning periods, a"
                                    + " higher targetGroupSparsity or a smaller groupDivisible (or"
                                    + " optFailIfNothingToPrune(false) to train anyway)"),
                    text);
            assertEquals(List.of(), log.take(), "refused, not also warned");
        }
    }

    @Test
    void aCricScheduleThatCannotEndInTimeIsRefusedAtTheFirstStep() {
        // 2 groups x 3 sparsities: 12 probe steps from 5, the hybrid phase of 6 ends at 22 at best
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness run =
                        Scenario.harness(
                                Scenario.cric(), Scenario.sgd(), 7, b -> b.optTotalSteps(20))) {
            String text =
                    message(
                            IllegalArgumentException.class,
                            () -> run.step(Scenario.batch(Scenario.batches(manager), 1)));
            assertEquals(
                    "CRIC ends pruning at step 22 at the earliest but optTotalSteps is 20: the"
                            + " target would not be reached; start CRIC earlier (startCricStep),"
                            + " shorten hybridTrainingSteps, or train longer",
                    text);
        }
    }

    @Test
    void checkpointsOfAnotherRunAreRefusedNamingTheDifference() throws Exception {
        Path file = dir.resolve("sgd.hesso");
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness run =
                        Scenario.harness(Scenario.periodic(), Scenario.sgd(), 7, b -> b)) {
            HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
            assertEquals(
                    "nothing to checkpoint before the first step: the node groups are resolved"
                            + " at the first update",
                    message(IllegalStateException.class, hesso::checkpoint));
            List<NDList> batches = Scenario.batches(manager);
            for (int k = 1; k <= 8; k++) {
                run.step(Scenario.batch(batches, k));
            }
            hesso.checkpoint().write(file);
            HessoCheckpoint saved = HessoCheckpoint.read(file);
            assertEquals(
                    "resume(..) must come before the first step; this optimizer is at step 8."
                            + " Build a new optimizer to resume",
                    message(IllegalStateException.class, () -> hesso.resume(saved)));
        }
        HessoCheckpoint saved = HessoCheckpoint.read(file);
        // another variant: refused when handed over
        HessoOptimizer adam =
                HessoBuilders.of(Scenario.adam())
                        .setLearningRateTracker(Tracker.fixed(0.05f))
                        .setBlock(TinyModels.mlp(6, 16, 3))
                        .setPruning(Scenario.periodic())
                        .build();
        assertEquals(
                "checkpoint "
                        + file
                        + " was written by an optimizer with other settings; resume with the saved"
                        + " ones: variant.kind: saved SGD, now ADAM; variant.momentum: saved 0.9,"
                        + " now 0.0",
                message(IllegalArgumentException.class, () -> adam.resume(saved)));
        // other node groups (a wider model): refused at the first step, naming the group
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness wider =
                        new TrainingHarness(
                                TinyModels.mlp(6, 24, 3),
                                Scenario.INPUT,
                                7,
                                b ->
                                        HessoBuilders.of(Scenario.sgd())
                                                .setLearningRateTracker(Tracker.fixed(0.05f))
                                                .setBlock(b)
                                                .setPruning(Scenario.periodic())
                                                .build())) {
            ((HessoOptimizer) wider.optimizer).resume(saved);
            String text =
                    message(
                            IllegalArgumentException.class,
                            () -> wider.step(Scenario.batch(Scenario.batches(manager), 9)));
            assertTrue(
                    text.startsWith(
                            "checkpoint " + file + " does not fit the model's node group 0:"),
                    text);
            assertTrue(text.contains("channels=16") && text.contains("channels=24"), text);
        }
    }

    @Test
    void savedTensorsOfAnotherShapeAreRefusedNamingTheParameter() throws Exception {
        // node groups given by hand cover the first hidden layer only, so a model with another
        // head has the same groups and the head's momentum no longer fits
        Path file = dir.resolve("head.hesso");
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness run = handGrouped(3)) {
            List<NDList> batches = Scenario.batches(manager);
            for (int k = 1; k <= 3; k++) {
                run.step(Scenario.batch(batches, k));
            }
            ((HessoOptimizer) run.optimizer).checkpoint().write(file);
        }
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness other = handGrouped(5)) {
            ((HessoOptimizer) other.optimizer).resume(HessoCheckpoint.read(file));
            String text =
                    message(
                            IllegalArgumentException.class,
                            () -> other.step(Scenario.batch(Scenario.batches(manager), 4)));
            assertEquals(
                    "checkpoint "
                            + file
                            + " does not fit the model: the saved momentum or first moment of"
                            + " parameter '05Linear_bias' on cpu() is (3) float32, the model's"
                            + " parameter is (5) float32",
                    text);
        }
    }

    private static TrainingHarness handGrouped(int classes) {
        return new TrainingHarness(
                ModelPatterns.mlp(16, 16, classes),
                Scenario.INPUT,
                7,
                b ->
                        Hesso.sgd()
                                .optMomentum(0.9)
                                .setLearningRate(0.05)
                                .setBlock(b)
                                .optNodeGroups(
                                        List.of(
                                                NodeGroup.prunable(
                                                        "hidden1",
                                                        16,
                                                        List.of(
                                                                GroupMember.rows("01Linear_weight"),
                                                                GroupMember.rows(
                                                                        "01Linear_bias")))))
                                .setPruning(
                                        HessoSettings.builder()
                                                .optTargetGroupSparsity(0.5)
                                                .optStartPruningStep(5)
                                                .setPruningSteps(4)
                                                .build())
                                .build());
    }
}
