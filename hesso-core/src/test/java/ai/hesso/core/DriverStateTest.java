package ai.hesso.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.core.cric.CricSettings;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.identification.CricProgress;
import ai.hesso.core.identification.Identification;
import ai.hesso.core.identification.PeriodicProgress;
import ai.hesso.core.saliency.ChannelStatistics;
import ai.hesso.testing.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A driver restored from {@link HessoDriver#state()} at any step plans exactly what the
 * uninterrupted driver plans, for HESSO's periods (with {@code groupDivisible}) and for CRIC's
 * probe, cycles, vote and hybrid phase; a resumed run warns what the uninterrupted one warns.
 */
class DriverStateTest {

    private static final int STEPS = 70;

    /** The selections of {@link #periodic()} that {@code groupDivisible 2} rounds, in order. */
    private static final List<String> PERIODIC_WARNINGS =
            List.of(
                    "groupDivisible 2 gave back 1 of the 2 channels selected now; the target is 8"
                            + " channels instead of 9",
                    "groupDivisible 2 gave back 2 of the 2 channels selected now; the target is 6"
                            + " channels instead of 9",
                    "groupDivisible 2 gave back 1 of the 3 channels selected now; the target is 5"
                            + " channels instead of 9");

    @RegisterExtension final LogCapture log = LogCapture.warningsOf(Identification.class);

    private static List<NodeGroup> groups() {
        return List.of(
                NodeGroup.prunable("a", 6, List.of(GroupMember.rows("a.w"))),
                NodeGroup.prunable("b", 9, List.of(GroupMember.rows("b.w"))),
                NodeGroup.unprunable(
                        "head", 3, List.of(GroupMember.rows("h.w")), "feeds the loss"));
    }

    private static HessoSettings periodic() {
        return HessoSettings.builder()
                .optTargetGroupSparsity(0.6)
                .optStartPruningStep(4)
                .setPruningSteps(20)
                .optPruningPeriods(4)
                .optGroupDivisible(2)
                .build();
    }

    private static HessoSettings cric() {
        return HessoSettings.builder()
                .optTargetGroupSparsity(0.4)
                .optCric(
                        CricSettings.builder()
                                .setStartCricStep(3)
                                .optSamplingSteps(3)
                                .optMaxCycles(3)
                                .optHybridTrainingSteps(6)
                                .build())
                .build();
    }

    /** Statistics and loss that depend only on the step, so two drivers see the same inputs. */
    private static StepContext context(int step, int channels) {
        Random random = new Random(1000L + step);
        double[] values = new double[channels];
        double[] directions = new double[channels];
        double[] dots = new double[channels];
        double[] lengths = new double[channels];
        for (int c = 0; c < channels; c++) {
            values[c] = random.nextDouble() * 4;
            directions[c] = random.nextDouble();
            dots[c] = random.nextGaussian();
            lengths[c] = 3;
        }
        double loss = 0.5 + random.nextDouble();
        return new StepContext() {
            @Override
            public ChannelStatistics channelStatistics() {
                return new ChannelStatistics(values, directions, dots, lengths);
            }

            @Override
            public double loss() {
                return loss;
            }
        };
    }

    private static String describe(StepPlan plan, int groups) {
        StringBuilder sb =
                new StringBuilder(
                        plan.step()
                                + " "
                                + plan.phase()
                                + " s"
                                + plan.snapshot()
                                + " r"
                                + plan.restore()
                                + " u"
                                + plan.update()
                                + " f"
                                + plan.redundantFactor());
        for (int g = 0; g < groups; g++) {
            sb.append(' ')
                    .append(java.util.Arrays.toString(plan.masks().redundant(g)))
                    .append(java.util.Arrays.toString(plan.masks().pruned(g)));
        }
        return sb.toString();
    }

    private static List<String> run(HessoDriver driver, int from, int to) {
        List<String> plans = new ArrayList<>();
        int n = driver.channelIndex().size();
        for (int step = from; step <= to; step++) {
            plans.add(describe(driver.nextStep(context(step, n)), 2));
        }
        return plans;
    }

    /** Returns the warnings of the uninterrupted run, which every split run repeats. */
    private List<String> assertResumesExactly(HessoSettings settings) {
        HessoDriver whole = new HessoDriver(settings, groups());
        List<String> expected = run(whole, 1, STEPS);
        List<String> warned = log.take();
        DriverState end = whole.state();
        for (int split = 0; split <= STEPS; split++) {
            HessoDriver first = new HessoDriver(settings, groups());
            run(first, 1, split);
            DriverState saved = first.state();
            HessoDriver resumed = new HessoDriver(settings, groups(), saved);
            assertEquals(saved, resumed.state(), "restore must not change the state");
            assertEquals(split, resumed.step());
            List<String> rest = run(resumed, split + 1, STEPS);
            assertEquals(expected.subList(split, STEPS), rest, "resumed after step " + split);
            assertEquals(end, resumed.state(), "final state after a split at " + split);
            assertEquals(whole.metrics(), resumed.metrics());
            assertEquals(warned, log.take(), "warnings of the run split at " + split);
        }
        return warned;
    }

    @Test
    void periodicRunResumesExactlyAfterEveryStep() {
        assertEquals(PERIODIC_WARNINGS, assertResumesExactly(periodic()));
        HessoDriver driver = new HessoDriver(periodic(), groups());
        run(driver, 1, STEPS);
        assertEquals(PERIODIC_WARNINGS, log.take());
        assertEquals(Phase.PRUNED, driver.metrics().phase());
        // K = floor(15 * 0.6) = 9, lowered by groupDivisible 2 to keep even widths
        assertTrue(driver.metrics().pruned() > 0);
        assertEquals(driver.metrics().targetChannels(), driver.metrics().pruned());
        assertEquals(
                new PeriodicProgress(Phase.PRUNED, 4), driver.state().identification().progress());
    }

    @Test
    void cricRunResumesExactlyInProbeCycleVoteAndHybridPhases() {
        assertEquals(List.of(), assertResumesExactly(cric()), "no groupDivisible, no rounding");
        HessoDriver driver = new HessoDriver(cric(), groups());
        List<Phase> phases = new ArrayList<>();
        int n = driver.channelIndex().size();
        for (int step = 1; step <= STEPS; step++) {
            phases.add(driver.nextStep(context(step, n)).phase());
        }
        // the splits above fell inside every phase of CRIC
        for (Phase phase :
                List.of(
                        Phase.WARM_UP,
                        Phase.CRIC_PROBE,
                        Phase.CRIC_CYCLE,
                        Phase.CRIC_HYBRID,
                        Phase.PRUNED)) {
            assertTrue(phases.contains(phase), phase + " in " + phases);
        }
        CricProgress progress = (CricProgress) driver.state().identification().progress();
        assertTrue(progress.cyclesDone());
        assertEquals(6, driver.metrics().pruned(), "K = floor(15 * 0.4)");
    }

    @Test
    void aTakenStateDoesNotFollowTheDriverOrItsReaders() {
        HessoDriver driver = new HessoDriver(cric(), groups());
        // probes run at steps 3..14, the cycles sample at 15..23
        run(driver, 1, 16);
        DriverState taken = driver.state();
        CricProgress progress = (CricProgress) taken.identification().progress();
        int samples = progress.scoreSamples();
        double first = progress.scoreSums()[0];
        progress.scoreSums()[0] = 1e9;
        assertEquals(first, progress.scoreSums()[0], "readers get copies");
        run(driver, 17, 19);
        CricProgress later = (CricProgress) driver.state().identification().progress();
        assertEquals(samples + 3, later.scoreSamples(), "three more cycle steps were sampled");
        assertEquals(samples, progress.scoreSamples());
        assertEquals(first, progress.scoreSums()[0], "the taken state kept its values");
    }

    @Test
    void aStateOfOtherGroupsOrAnotherStrategyIsRefusedWithTheDifference() {
        HessoDriver driver = new HessoDriver(periodic(), groups());
        run(driver, 1, 10);
        assertEquals(PERIODIC_WARNINGS.subList(0, 2), log.take());
        DriverState saved = driver.state();
        List<NodeGroup> other =
                List.of(NodeGroup.prunable("a", 6, List.of(GroupMember.rows("a.w"))));
        IllegalArgumentException wrongGroups =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new HessoDriver(periodic(), other, saved));
        assertEquals(
                "the saved state has 15 channel states, the node groups have 6 prunable channels",
                wrongGroups.getMessage());
        IllegalArgumentException wrongKind =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new HessoDriver(cric(), groups(), saved));
        assertEquals(
                "the saved state is of plain HESSO but the settings turn CRIC on",
                wrongKind.getMessage());
    }
}
