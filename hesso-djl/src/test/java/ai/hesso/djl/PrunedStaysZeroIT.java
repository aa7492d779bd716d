package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.tracker.ParameterTracker;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.variant.Variant;
import ai.hesso.core.variant.VariantSettings;
import ai.hesso.djl.checkpoint.HessoCheckpoint;
import ai.hesso.djl.engine.EngineState;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pruned channels stay exactly 0.0 whatever comes later: weight decay, momentum, Adam's moments
 * (their pruned rows are cleared), a learning-rate spike, a checkpoint reloaded into a new
 * optimizer; and the metrics report what the arrays hold.
 */
class PrunedStaysZeroIT {

    @TempDir Path dir;

    static List<VariantSettings> variants() {
        return List.of(
                VariantSettings.sgd(0.9, 0, 0.05),
                VariantSettings.adam(Variant.ADAM, 0.9, 0.999, 0.05),
                VariantSettings.adam(Variant.ADAMW, 0.9, 0.999, 0.05));
    }

    /**
     * 0.05, except 200 times that at steps 35 and 36, after the resume: a spike before the save
     * would saturate this tiny model's softmax so that every gradient is exactly zero at the
     * resumed trainer's first step, which DJL's trainer refuses.
     */
    private static ParameterTracker spikyRate() {
        return (parameterId, step) -> step == 35 || step == 36 ? 10f : 0.05f;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void prunedRowsAndTheirMomentsStayZero(VariantSettings variant) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDList> batches = Scenario.batches(manager);
            Path file = dir.resolve(variant.variant() + ".hesso");
            try (TrainingHarness run =
                    Scenario.harness(
                            Scenario.periodic(),
                            variant,
                            7,
                            b -> b.setLearningRateTracker(spikyRate()))) {
                HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
                for (int k = 1; k <= 30; k++) {
                    run.step(Scenario.batch(batches, k));
                }
                assertEquals(16, hesso.metrics().pruned());
                assertEquals(16, zeros(run, hesso));
                assertEquals(16, hesso.metrics().verifiedZero());
                HessoCheckpoint state = hesso.checkpoint();
                assertMomentRowsZero(run, hesso, state);
                run.model.save(dir, Scenario.NAME);
                state.write(file);
            }
            try (TrainingHarness resumed =
                    Scenario.harness(
                            Scenario.periodic(),
                            variant,
                            8,
                            b -> b.setLearningRateTracker(spikyRate()))) {
                Scenario.loadInPlace(resumed.model.getBlock(), dir);
                HessoOptimizer hesso = (HessoOptimizer) resumed.optimizer;
                hesso.resume(HessoCheckpoint.read(file));
                for (int k = 31; k <= 45; k++) {
                    resumed.step(Scenario.batch(batches, k));
                }
                assertEquals(16, zeros(resumed, hesso));
                assertEquals(16, hesso.metrics().verifiedZero());
                assertMomentRowsZero(resumed, hesso, hesso.checkpoint());
            }
        }
    }

    @Test
    void metricsReportWhatTheArraysHoldNotTheBookkeeping() {
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness run =
                        Scenario.harness(Scenario.periodic(), Scenario.sgd(), 7, b -> b)) {
            List<NDList> batches = Scenario.batches(manager);
            HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
            // the first period ends at step 9: its channels are pruned from here on
            for (int k = 1; k <= 9; k++) {
                run.step(Scenario.batch(batches, k));
            }
            NodeGroup group = hesso.driver().channelIndex().prunableGroups().get(0);
            int[] pruned = hesso.driver().prunedChannels().get(group.name());
            assertTrue(pruned.length > 0);
            // someone writes into a pruned row behind the optimizer's back
            GroupMember member = group.members().get(0);
            try (NDArray alias = run.parameter(member.tensor()).getArray().stopGradient()) {
                alias.set(new NDIndex("{}, 0", pruned[0]), 0.5f);
            }
            int total = hesso.metrics().pruned();
            assertEquals(total - 1, hesso.metrics().verifiedZero());
        }
    }

    private static int zeros(TrainingHarness run, HessoOptimizer hesso) {
        int zeros = 0;
        for (NodeGroup group : hesso.driver().channelIndex().prunableGroups()) {
            zeros += run.zeroChannels(group);
        }
        return zeros;
    }

    /** Every member's momentum and moment rows of pruned channels are exactly zero. */
    private static void assertMomentRowsZero(
            TrainingHarness run, HessoOptimizer hesso, HessoCheckpoint state) {
        Map<String, int[]> pruned = hesso.driver().prunedChannels();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (NodeGroup group : hesso.driver().channelIndex().prunableGroups()) {
                for (GroupMember member : group.members()) {
                    EngineState.Direction direction =
                            state.engine().directions().stream()
                                    .filter(d -> d.slot().parameter().equals(member.tensor()))
                                    .findFirst()
                                    .orElseThrow();
                    for (var saved : Arrays.asList(direction.first(), direction.second())) {
                        if (saved == null) {
                            continue;
                        }
                        NDArray moment = manager.decode(saved.encoded());
                        for (int c : pruned.get(group.name())) {
                            assertEquals(
                                    0f,
                                    moment.get(c).abs().max().getFloat(),
                                    member.tensor() + " row " + c);
                        }
                    }
                }
            }
        }
    }
}
