package ai.hesso.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.core.cric.CricSettings;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.identification.Identification;
import ai.hesso.core.reference.ReferenceEngine;
import ai.hesso.core.saliency.ChannelStatistics;
import ai.hesso.core.saliency.Criterion;
import ai.hesso.core.saliency.SaliencyMix;
import ai.hesso.core.variant.VariantSettings;
import ai.hesso.testing.LogCapture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where our CRIC (and, for difference 5, our {@code groupDivisible} bookkeeping) knowingly departs
 * from OTO's reference code ({@code hesso_cric.py}, {@code hesso.py}): one hand-checked scenario
 * per difference, numbered as in {@code docs/algorithm.md} ("CRIC: where we differ from OTO's
 * code"). Each test pins our behaviour; its name and comment say what OTO's code does instead.
 *
 * <p>Most scenarios drive {@link HessoDriver} with scripted statistics: one prunable node group
 * {@code a} of 4 channels, the magnitude criterion alone (so a channel's score is its scripted
 * magnitude over the Euclidean norm of all magnitudes of that step), target sparsity 0.5 ({@code K
 * = 2}), {@code startCricStep = 1}. With one node group the probe phase takes steps 1 to 6 and the
 * first cycle starts at step 7; the loss is constant, so every loss ratio is 1 and the vote's loss
 * term adds the same {@code 1 / 4} to every channel.
 */
class CricReferenceDifferencesTest {

    @RegisterExtension final LogCapture log = LogCapture.warningsOf(Identification.class);

    private static final SaliencyMix MAGNITUDE_ONLY =
            SaliencyMix.of(Map.of(Criterion.MAGNITUDE, 1.0));

    private static List<NodeGroup> oneGroup(int channels) {
        return List.of(NodeGroup.prunable("a", channels, List.of(GroupMember.rows("a"))));
    }

    private static HessoSettings cric(int samplingSteps, int maxCycles, int hybridSteps) {
        return HessoSettings.builder()
                .optTargetGroupSparsity(0.5)
                .optSaliency(MAGNITUDE_ONLY)
                .optCric(
                        CricSettings.builder()
                                .setStartCricStep(1)
                                .optSamplingSteps(samplingSteps)
                                .optMaxCycles(maxCycles)
                                .optHybridTrainingSteps(hybridSteps)
                                .build())
                .build();
    }

    /**
     * Statistics whose magnitude scores are given per step, and a constant loss; remembers the
     * steps at which the driver asked for statistics.
     */
    private static final class Script {
        private final IntFunction<double[]> magnitudes;
        private final List<Integer> scoredSteps = new ArrayList<>();

        Script(IntFunction<double[]> magnitudes) {
            this.magnitudes = magnitudes;
        }

        StepPlan step(HessoDriver driver) {
            int step = driver.step() + 1;
            return driver.nextStep(
                    new StepContext() {
                        @Override
                        public ChannelStatistics channelStatistics() {
                            scoredSteps.add(step);
                            double[] m = magnitudes.apply(step);
                            double[] squares = Arrays.stream(m).map(v -> v * v).toArray();
                            int n = m.length;
                            double[] ones = new double[n];
                            Arrays.fill(ones, 1);
                            return new ChannelStatistics(
                                    squares, new double[n], new double[n], ones);
                        }

                        @Override
                        public double loss() {
                            return 2.0;
                        }
                    });
        }
    }

    /**
     * Difference 1: {@code maxCycles = M} runs M full cycles of S steps, and the step that would
     * start cycle M + 1 votes and is the first hybrid step. OTO's {@code max_cycle_period = M} runs
     * M - 1 full cycles: at the start of cycle M it takes one more step (counted in the vote) and
     * then terminates, restoring the snapshot so that step's update is discarded, and its hybrid
     * phase starts on the next step. Our {@code maxCycles = M} is OTO's {@code max_cycle_period = M
     * + 1}, our hybrid phase starting one step earlier. Defaults: OTO 10 (9 full cycles), ours 5
     * (OTO's 6).
     *
     * <p>Script (S = 2, M = 2): step 7 scores {@code [1,2,3,4]}, so cycle 1's violating set is
     * {@code {0,1}}; step 8 {@code [1,3,2,4]} puts channel 2 in the trial set, which becomes cycle
     * 2's violating set at step 9; step 10 {@code [4,3,2,1]} puts channel 3 in the trial set, so a
     * third cycle would have something to do; with M = 2, step 11 votes instead, and with M = 3 it
     * starts cycle 3.
     */
    @Test
    void maxCyclesRunsThatManyFullCyclesWhereOtoMaxCyclePeriodRunsOneFewer() {
        IntFunction<double[]> magnitudes =
                k ->
                        switch (k) {
                            case 8 -> new double[] {1, 3, 2, 4};
                            case 10 -> new double[] {4, 3, 2, 1};
                            default -> new double[] {1, 2, 3, 4};
                        };
        HessoDriver two = new HessoDriver(cric(2, 2, 3), oneGroup(4));
        Script script = new Script(magnitudes);
        for (int k = 1; k <= 6; k++) {
            assertEquals(Phase.CRIC_PROBE, script.step(two).phase(), "step " + k);
        }
        int[][] violating = {{0, 1}, {0, 1}, {2}, {2}};
        int[] stages = {1, 1, 2, 2};
        for (int k = 7; k <= 10; k++) {
            StepPlan plan = script.step(two);
            assertEquals(Phase.CRIC_CYCLE, plan.phase(), "step " + k);
            assertEquals(k == 7 || k == 9, plan.restore(), "a cycle starts from the snapshot");
            assertArrayEquals(violating[k - 7], plan.masks().redundant(0), "step " + k);
            assertEquals(stages[k - 7], two.metrics().stage(), "step " + k);
        }
        StepPlan vote = script.step(two);
        assertEquals(Phase.CRIC_HYBRID, vote.phase(), "M = 2: two full cycles, then the vote");
        assertTrue(vote.restore());
        assertTrue(vote.update(), "the voting step is the first hybrid step");
        assertEquals(2, two.metrics().stage());

        HessoDriver three = new HessoDriver(cric(2, 3, 3), oneGroup(4));
        Script same = new Script(magnitudes);
        for (int k = 1; k <= 10; k++) {
            same.step(three);
        }
        StepPlan third = same.step(three);
        assertEquals(Phase.CRIC_CYCLE, third.phase(), "M = 3 starts a third cycle at step 11");
        assertArrayEquals(new int[] {3}, third.masks().redundant(0));
        assertEquals(3, three.metrics().stage());
    }

    /**
     * Difference 2: the vote averages the scores of the cycle steps only. OTO's vote also averages
     * the scores of every probe step (recomputed each probe step, half of them on a model with a
     * probed group zeroed) and those of the terminating step.
     *
     * <p>Script (S = 2, M = 1): the probe phase and the terminating step 9 score {@code [4,4,1,1]}
     * (norm {@code sqrt(34)}), the two cycle steps 7 and 8 score {@code [1,2,3,4]} (norm {@code
     * sqrt(30)}). Our vote is {@code [1,2,3,4] / sqrt(30) + 1/4}: channels 0 and 1 are pruned. OTO
     * would average 6 probe samples, 2 cycle samples and the terminating one: {@code (7 [4,4,1,1] /
     * sqrt(34) + 2 [1,2,3,4] / sqrt(30)) / 9 = [0.574, 0.615, 0.255, 0.296]}, and prune channels 2
     * and 3.
     */
    @Test
    void voteAveragesCycleScoresOnlyWhereOtoAlsoAveragesProbeAndTerminatingStepScores() {
        Script script =
                new Script(
                        k ->
                                k == 7 || k == 8
                                        ? new double[] {1, 2, 3, 4}
                                        : new double[] {4, 4, 1, 1});
        HessoDriver driver = new HessoDriver(cric(2, 1, 2), oneGroup(4));
        for (int k = 1; k <= 8; k++) {
            script.step(driver);
        }
        StepPlan vote = script.step(driver);
        assertEquals(Phase.CRIC_HYBRID, vote.phase());
        assertArrayEquals(new int[] {0, 1}, vote.masks().redundant(0));
        script.step(driver);
        assertEquals(Phase.PRUNED, script.step(driver).phase());
        assertArrayEquals(new int[] {0, 1}, driver.prunedChannels().get("a"));
        // statistics are taken once for the probes (step 1) and at every cycle step, never at the
        // other probe steps nor at the terminating step
        assertEquals(List.of(1, 7, 8), script.scoredSteps);

        // the vote OTO's averaging would give on the same scores: channels 2 and 3 lowest
        double[] low = {4 / Math.sqrt(34), 4 / Math.sqrt(34), 1 / Math.sqrt(34), 1 / Math.sqrt(34)};
        double[] cycle = {
            1 / Math.sqrt(30), 2 / Math.sqrt(30), 3 / Math.sqrt(30), 4 / Math.sqrt(30)
        };
        double[] oto = new double[4];
        for (int c = 0; c < 4; c++) {
            oto[c] = (7 * low[c] + 2 * cycle[c]) / 9;
        }
        assertArrayEquals(new double[] {0.574, 0.615, 0.255, 0.296}, oto, 5e-4);
    }

    /**
     * The reference-engine scenario of differences 3 and 4: node group {@code a} with magnitudes
     * {@code [0.1, 0.2, 3, 4]} and zero gradient (weight 0), and a tensor {@code free} outside
     * every node group, value 1, loss term {@code 0.5 free^2}, so its gradient is its value and
     * each SGD step with {@code lr = 0.1} multiplies it by 0.9. S = 4, M = 1, H = 2.
     */
    private static QuadraticToy shrinkToy() {
        double[] a = {0.1, 0.2, 3, 4};
        return new QuadraticToy(1.0)
                .tensor("a", new int[] {4, 1}, a, a, new double[4])
                .tensor(
                        "free",
                        new int[] {1},
                        new double[] {1},
                        new double[] {0},
                        new double[] {0.5});
    }

    private static ReferenceEngine shrinkEngine(QuadraticToy toy) {
        return toy.engine(cric(4, 1, 2), oneGroup(4), VariantSettings.sgd(0, 0, 0), 0.1);
    }

    /**
     * Difference 3: within a cycle the violating rows are multiplied by {@code (S - 1) / S, ..., 1
     * / 2, 0}, a straight line from their snapshot value to exactly zero at the cycle's last step.
     * OTO's factor is {@code 0} on a cycle's first step (its {@code t} is {@code (k - start - 1)
     * mod S}, which is {@code S - 1} there), then {@code (S - 1) / S, ..., 1 / 2}: the violating
     * rows are zeroed at once and only regrow by their gradient steps.
     *
     * <p>With S = 4 and a zero gradient, violating channels 0 and 1 (0.1 and 0.2) go through {@code
     * 3/4, 1/2, 1/4, 0} of their value over steps 7 to 10; OTO's would be 0 at all four steps.
     */
    @Test
    void cycleShrinkFactorsRunFromSMinusOneOverSToZeroWhereOtoStartsAtZero() {
        QuadraticToy toy = shrinkToy();
        ReferenceEngine engine = shrinkEngine(toy);
        toy.run(engine, 6);
        double[] factors = {0.75, 2.0 / 3, 0.5, 0.0};
        double[] kept = {0.75, 0.5, 0.25, 0.0};
        for (int k = 7; k <= 10; k++) {
            StepPlan plan = toy.run(engine, 1);
            assertEquals(Phase.CRIC_CYCLE, plan.phase(), "step " + k);
            assertArrayEquals(new int[] {0, 1}, plan.masks().redundant(0));
            assertEquals(factors[k - 7], plan.redundantFactor(), 1e-15, "step " + k);
            assertArrayEquals(
                    new double[] {0.1 * kept[k - 7], 0.2 * kept[k - 7], 3, 4},
                    engine.values("a"),
                    1e-15,
                    "step " + k);
        }
        StepPlan vote = toy.run(engine, 1);
        assertEquals(Phase.CRIC_HYBRID, vote.phase());
        assertEquals(0.5, vote.redundantFactor(), "the hybrid phase: (H - 1) / H at t = 0");
        assertArrayEquals(new double[] {0.05, 0.1, 3, 4}, engine.values("a"), 1e-15);
    }

    /**
     * Difference 4: tensors outside every prunable node group take their normal update during the
     * cycles (and the snapshot restore at the next cycle start or at the vote discards it). OTO's
     * cycle step updates only prunable groups' tensors, so the others stay frozen at the snapshot
     * during the cycles; the two differ in the scores sampled along the cycles, not in the values
     * the hybrid phase starts from.
     *
     * <p>{@code free} stays 1 through the probe (no update), then is {@code 0.9, 0.81, 0.729,
     * 0.6561} over cycle steps 7 to 10 (OTO: 1 at all four). The voting step 11 restores it to 1
     * and applies that step's update, whose gradient was taken before the restore: {@code 1 - 0.1 *
     * 0.6561 = 0.93439}. (OTO discards its terminating step's update and starts the hybrid phase on
     * the next step with a fresh gradient: 0.9 here.)
     */
    @Test
    void tensorsOutsidePrunableGroupsAreUpdatedDuringCyclesWhereOtoFreezesThem() {
        QuadraticToy toy = shrinkToy();
        ReferenceEngine engine = shrinkEngine(toy);
        for (int k = 1; k <= 6; k++) {
            assertFalse(toy.run(engine, 1).update());
            assertEquals(1.0, engine.values("free")[0], "probe step " + k);
        }
        double[] expected = {0.9, 0.81, 0.729, 0.6561};
        for (int k = 7; k <= 10; k++) {
            StepPlan plan = toy.run(engine, 1);
            assertEquals(Phase.CRIC_CYCLE, plan.phase());
            assertTrue(plan.update(), "one update flag for every trainable tensor");
            assertEquals(expected[k - 7], engine.values("free")[0], 1e-15, "step " + k);
        }
        StepPlan vote = toy.run(engine, 1);
        assertEquals(Phase.CRIC_HYBRID, vote.phase());
        assertTrue(vote.restore());
        assertEquals(0.93439, engine.values("free")[0], 1e-15);
    }

    /**
     * Difference 5 (plain HESSO's periods): a channel that {@code groupDivisible} rounding hands
     * back stays important and can be selected again in a later period. OTO's {@code hesso.py} adds
     * every selected channel to its list of pruned indices before rounding, so a handed-back
     * channel is never offered again (its later periods pick around it).
     *
     * <p>Node group {@code a} of 6 channels, {@code groupDivisible = 2}, target 0.5 ({@code K =
     * 3}), two periods of 2 steps from step 1 (quotas 1 and 2, starting at steps 2 and 4), constant
     * scores {@code [1..6]}. Period 1 selects channel 0, which would leave 5 channels; rounding up
     * to 6 hands it back and lowers K to 2. Period 2 selects the two lowest important channels,
     * {@code {0, 1}}, leaving 4: both are pruned. OTO would select the 3 lowest, remove channel 0
     * and prune {@code {1, 2}}.
     */
    @Test
    void channelsHandedBackByRoundingCanBePickedAgainWhereOtoNeverOffersThemAgain() {
        HessoSettings settings =
                HessoSettings.builder()
                        .optTargetGroupSparsity(0.5)
                        .optSaliency(MAGNITUDE_ONLY)
                        .optGroupDivisible(2)
                        .optStartPruningStep(1)
                        .setPruningSteps(4)
                        .optPruningPeriods(2)
                        .build();
        HessoDriver driver = new HessoDriver(settings, oneGroup(6));
        Script script = new Script(k -> new double[] {1, 2, 3, 4, 5, 6});
        script.step(driver);
        StepPlan first = script.step(driver);
        assertEquals(1, driver.metrics().stage());
        assertArrayEquals(new int[0], first.masks().redundant(0), "channel 0 was handed back");
        assertEquals(ChannelState.IMPORTANT, driver.state(0));
        assertEquals(2, driver.metrics().targetChannels());
        assertEquals(
                List.of(
                        "groupDivisible 2 gave back 1 of the 1 channels selected now; the target"
                                + " is 2 channels instead of 3"),
                log.take());
        script.step(driver);
        StepPlan second = script.step(driver);
        assertEquals(2, driver.metrics().stage());
        assertArrayEquals(new int[] {0, 1}, second.masks().redundant(0));
        assertEquals(Phase.PRUNED, script.step(driver).phase());
        assertArrayEquals(new int[] {0, 1}, driver.prunedChannels().get("a"));
        assertEquals(2, driver.metrics().pruned());
        assertEquals(List.of(2, 4), script.scoredSteps);
    }
}
