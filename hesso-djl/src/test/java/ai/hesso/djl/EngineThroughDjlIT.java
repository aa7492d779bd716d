package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.Phase;
import ai.hesso.core.cric.CricSettings;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.saliency.ChannelStatistics;
import ai.hesso.core.variant.VariantSettings;
import ai.hesso.fixtures.SyntheticData;
import ai.hesso.fixtures.TinyModels;
import ai.hesso.testing.LogCapture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine's steps observed through DJL's own training calls: CRIC's snapshot and restore, the
 * gradient the statistics preview reads, and gradient clearing.
 */
class EngineThroughDjlIT {

    private static final Shape INPUT = new Shape(8, 6);

    @RegisterExtension final LogCapture log = LogCapture.warningsOf(NonFiniteGuard.class);

    private static List<NDList> batches(NDManager manager, int count) {
        return SyntheticData.fixedBatches(manager, count, 8, new Shape(6), 3, 17);
    }

    private static Map<String, float[]> parameters(TrainingHarness run) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Pair<String, Parameter> pair : run.model.getBlock().getParameters()) {
            values.put(pair.getKey(), pair.getValue().getArray().toFloatArray());
        }
        return values;
    }

    /**
     * CRIC at step 3 snapshots every tensor, then probes: odd probe steps zero some channels of one
     * group (no update), even ones restore the snapshot. Through DJL's trainer every restore gives
     * back the step-2 parameters bit for bit, and every zeroing step changes nothing but whole
     * zeroed rows.
     */
    @Test
    void cricProbesRestoreTheSnapshotBitForBit() {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDList> batches = batches(manager, 40);
            try (TrainingHarness run =
                    new TrainingHarness(
                            TinyModels.mlp(6, 16, 3),
                            INPUT,
                            3,
                            b ->
                                    HessoBuilders.of(VariantSettings.sgd(0.9, 0, 1e-3))
                                            .setLearningRateTracker(Tracker.fixed(0.1f))
                                            .setBlock(b)
                                            .setPruning(
                                                    HessoSettings.builder()
                                                            .optTargetGroupSparsity(0.5)
                                                            .optCric(
                                                                    CricSettings.builder()
                                                                            .setStartCricStep(3)
                                                                            .optSamplingSteps(2)
                                                                            .optMaxCycles(1)
                                                                            .optHybridTrainingSteps(
                                                                                    2)
                                                                            .build())
                                                            .build())
                                            .build())) {
                HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
                run.step(batches.get(0));
                run.step(batches.get(1));
                Map<String, float[]> snapshot = parameters(run);
                int probeSteps = 2 * 3 * hesso.driver().channelIndex().prunableGroups().size();
                assertTrue(probeSteps >= 6, "at least one prunable group");
                for (int k = 3; k < 3 + probeSteps; k++) {
                    run.step(batches.get(k - 1));
                    assertEquals(Phase.CRIC_PROBE, hesso.metrics().phase(), "step " + k);
                    Map<String, float[]> now = parameters(run);
                    if ((k - 3) % 2 == 1) {
                        for (String name : snapshot.keySet()) {
                            assertArrayEquals(snapshot.get(name), now.get(name), name + " " + k);
                        }
                    } else {
                        int zeroed = 0;
                        for (String name : snapshot.keySet()) {
                            float[] before = snapshot.get(name);
                            float[] after = now.get(name);
                            for (int i = 0; i < before.length; i++) {
                                if (after[i] != before[i]) {
                                    // 0 or -0: rows are zeroed by a 0 multiplier
                                    assertTrue(
                                            after[i] == 0f,
                                            name + "[" + i + "] at " + k + ": " + after[i]);
                                    zeroed++;
                                }
                            }
                        }
                        assertTrue(zeroed > 0, "step " + k + " zeroes a probe's channels");
                    }
                }
                // the cycles then train again from the snapshot
                run.step(batches.get(3 + probeSteps - 1));
                assertEquals(Phase.CRIC_CYCLE, hesso.metrics().phase());
            }
        }
    }

    /**
     * The statistics are reduced at the step's first update call from {@code weight.getGradient()},
     * not from the gradient DJL passes parameter by parameter. On one device they are the same
     * array: with plain SGD ({@code d = g}) the driver's statistics at the scoring step equal the
     * reductions of the values and gradients read before {@code trainer.step()}.
     */
    @Test
    void statisticsPreviewReadsTheGradientDjlPasses() {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDList> batches = batches(manager, 6);
            try (TrainingHarness run =
                    new TrainingHarness(
                            TinyModels.mlp(6, 16, 3),
                            INPUT,
                            5,
                            b ->
                                    Hesso.sgd()
                                            .setLearningRateTracker(Tracker.fixed(0.1f))
                                            .setBlock(b)
                                            .setPruning(
                                                    HessoSettings.builder()
                                                            .optTargetGroupSparsity(0.25)
                                                            .optStartPruningStep(3)
                                                            .setPruningSteps(2)
                                                            .build())
                                            .build())) {
                HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
                for (int k = 1; k <= 3; k++) {
                    run.step(batches.get(k - 1));
                }
                assertTrue(hesso.driver().lastStatistics().isEmpty(), "no scoring before step 4");
                // step 4 starts the first period: forward and backward by hand, read x and g
                NDList batch = batches.get(3);
                try (GradientCollector collector = run.trainer.newGradientCollector()) {
                    NDList predictions = run.trainer.forward(new NDList(batch.get(0)));
                    try (NDArray loss =
                            run.trainer.getLoss().evaluate(new NDList(batch.get(1)), predictions)) {
                        collector.backward(loss);
                    }
                    predictions.close();
                }
                ChannelIndex index = hesso.driver().channelIndex();
                double[] xx = new double[index.size()];
                double[] gg = new double[index.size()];
                double[] xg = new double[index.size()];
                for (int g = 0; g < index.prunableGroups().size(); g++) {
                    NodeGroup group = index.prunableGroups().get(g);
                    for (GroupMember member : group.members()) {
                        NDArray weight = run.parameter(member.tensor()).getArray();
                        float[] x = weight.toFloatArray();
                        float[] grad = weight.getGradient().toFloatArray();
                        int m = x.length / group.channels();
                        for (int c = 0; c < group.channels(); c++) {
                            for (int i = c * m; i < (c + 1) * m; i++) {
                                xx[index.offset(g) + c] += (double) x[i] * x[i];
                                gg[index.offset(g) + c] += (double) grad[i] * grad[i];
                                xg[index.offset(g) + c] += (double) x[i] * grad[i];
                            }
                        }
                    }
                }
                run.trainer.step();
                ChannelStatistics stats = hesso.driver().lastStatistics().orElseThrow();
                assertEquals(4, hesso.driver().step());
                // float32 sums on the engine against double sums here
                assertClose(xx, stats.valueSquares());
                assertClose(gg, stats.directionSquares());
                assertClose(xg, stats.valueDirectionDot());
                assertTrue(stats.directionSquares()[0] > 0, "the gradient is not zero");
            }
        }
    }

    private static void assertClose(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(
                    expected[i],
                    actual[i],
                    1e-6 * Math.max(1, Math.abs(expected[i])),
                    "[" + i + "]");
        }
    }

    /** A gradient that went NaN is cleared to exactly 0 after the update, not to NaN * 0. */
    @Test
    void gradientsAreClearedByAssignmentEvenWhenNan() {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDList> batches = batches(manager, 2);
            try (TrainingHarness run =
                    new TrainingHarness(
                            TinyModels.mlp(6, 4, 3),
                            INPUT,
                            7,
                            b ->
                                    Hesso.sgd()
                                            .setLearningRate(0.1)
                                            .setBlock(b)
                                            .setPruning(
                                                    HessoSettings.builder()
                                                            .optTargetGroupSparsity(0)
                                                            .setPruningSteps(1)
                                                            .build())
                                            .build())) {
                NDList batch = batches.get(0);
                try (GradientCollector collector = run.trainer.newGradientCollector()) {
                    NDList predictions = run.trainer.forward(new NDList(batch.get(0)));
                    try (NDArray loss =
                            run.trainer.getLoss().evaluate(new NDList(batch.get(1)), predictions)) {
                        collector.backward(loss);
                    }
                    predictions.close();
                }
                for (Pair<String, Parameter> pair : run.model.getBlock().getParameters()) {
                    try (NDArray gradient = pair.getValue().getArray().getGradient()) {
                        gradient.set(new NDIndex("..."), Float.NaN);
                    }
                }
                run.trainer.step();
                for (Pair<String, Parameter> pair : run.model.getBlock().getParameters()) {
                    try (NDArray gradient = pair.getValue().getArray().getGradient()) {
                        for (float value : gradient.toFloatArray()) {
                            assertEquals(0f, value, pair.getKey());
                        }
                    }
                }
                String first = run.model.getBlock().getParameters().get(0).getKey();
                assertEquals(
                        List.of(
                                "HESSO: skipped step 1: the gradient of '"
                                        + first
                                        + "' is not finite; no tensor or state changed (1 skipped"
                                        + " so far, 1 in a row)"),
                        log.take());
            }
        }
    }
}
