package ai.hesso.core.identification;

import ai.hesso.core.HessoSettings;
import ai.hesso.core.Phase;
import ai.hesso.core.PruningEnd;
import ai.hesso.core.StepContext;
import ai.hesso.core.StepPlan;
import ai.hesso.core.cost.ChannelCosts;
import ai.hesso.core.cric.CricSettings;
import ai.hesso.core.cric.ProbeSchedule;
import ai.hesso.core.cric.ScoreHistory;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.schedule.Projection;
import ai.hesso.core.selection.LowestScores;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * HESSO-CRIC's identification (spec section 5).
 *
 * <ol>
 *   <li>Steps before {@code startCricStep} train normally.
 *   <li>At {@code c = startCricStep} the step's loss becomes {@code refLoss}, all channels are
 *       scored (with the step's direction, previewed: no update is applied, so the variant's state
 *       does not advance) and all tensors are snapshot. The probe phase starts at this same step:
 *       for each probe, one step zeroes channels and the next records {@code loss / refLoss} and
 *       restores the snapshot. No gradient update happens in the probe phase; every probe ranks
 *       channels by the scores taken at step {@code c}, when the model was the snapshot.
 *   <li>Corrective cycles of {@code S} steps follow. At a cycle start the violating set is chosen
 *       (cycle 1: the K lowest-scoring channels; later: the trial set minus the historical set),
 *       the cycles end if {@code maxCycles} have run or the violating set has at most {@code
 *       tolerance} channels; otherwise the set joins the historical set and the snapshot is
 *       restored. Every cycle step scores all channels, stores the scores, adds to the trial set
 *       the current K lowest-scoring channels that are not historical, takes a normal step and
 *       scales the violating rows by {@code (S - t - 1) / (S - t)}.
 *   <li>At the step where the cycles end: the vote (mean stored score plus {@code lossWeight *
 *       mean(loss ratios) / n} for every channel of a probed group) picks the K lowest as redundant
 *       (with {@code groupDivisible}), the snapshot is restored, and the hybrid phase of {@code H}
 *       steps projects them with {@code (H - t - 1) / (H - t)}, {@code t = 0} at that step; then
 *       they are pruned.
 * </ol>
 *
 * <p>With a MAC budget, "the K lowest-scoring channels" becomes, in each of those three places, the
 * channels {@link ai.hesso.core.selection.MacBudgetSelection} chooses from the dense model to meet
 * the budget with those scores; the probes are unchanged.
 */
final class CricIdentification extends Identification {

    private final CricSettings cric;
    private final ProbeSchedule probes;
    private final double[] lossRatioSums;
    private final int[] lossRatioCounts;
    private final ScoreHistory history;
    private final boolean[] historical;
    private final boolean[] trial;

    private Phase phase = Phase.WARM_UP;
    private double referenceLoss;
    private double[] probeScores;
    private int cycle;
    private int cycleStartStep;
    private boolean cyclesDone;
    private int hybridStartStep;

    CricIdentification(
            ChannelIndex index,
            HessoSettings settings,
            ChannelCosts costs,
            CricProgress progress,
            IdentificationState saved) {
        super(index, settings, costs, saved);
        this.cric = settings.cric().orElseThrow();
        int groups = index.prunableGroups().size();
        int[] channels = index.prunableGroups().stream().mapToInt(g -> g.channels()).toArray();
        this.probes = new ProbeSchedule(channels, cric.trialSparsities());
        if (progress == null) {
            this.lossRatioSums = new double[groups];
            this.lossRatioCounts = new int[groups];
            this.history = new ScoreHistory(index.size());
            this.historical = new boolean[index.size()];
            this.trial = new boolean[index.size()];
            return;
        }
        if (progress.lossRatioSums().length != groups
                || progress.scoreSums().length != index.size()) {
            throw new IllegalArgumentException(
                    "the saved CRIC state has "
                            + progress.lossRatioSums().length
                            + " node groups and "
                            + progress.scoreSums().length
                            + " channels, the model has "
                            + groups
                            + " prunable node groups and "
                            + index.size()
                            + " prunable channels");
        }
        this.lossRatioSums = progress.lossRatioSums();
        this.lossRatioCounts = progress.lossRatioCounts();
        this.history = new ScoreHistory(progress.scoreSums(), progress.scoreSamples());
        this.historical = progress.historical();
        this.trial = progress.trial();
        this.phase = progress.phase();
        this.referenceLoss = progress.referenceLoss();
        this.probeScores = progress.probeScores();
        this.cycle = progress.cycle();
        this.cycleStartStep = progress.cycleStartStep();
        this.cyclesDone = progress.cyclesDone();
        this.hybridStartStep = progress.hybridStartStep();
    }

    /** {@inheritDoc} */
    @Override
    public StepPlan plan(int step, StepContext context) {
        int start = cric.startCricStep();
        if (nothingToSelect() || step < start) {
            // nothing to prune, or not yet: the plain variant
            phase = nothingToSelect() ? Phase.PRUNED : Phase.WARM_UP;
            return plainStep(step, phase);
        }
        if (step < start + probes.length()) {
            phase = Phase.CRIC_PROBE;
            return probeStep(step - start, context);
        }
        if (!cyclesDone) {
            StepPlan plan = cycleStep(step, context);
            if (plan != null) {
                return plan;
            }
        }
        return hybridOrPrunedStep(step);
    }

    private StepPlan probeStep(int offset, StepContext context) {
        int probe = offset / 2;
        int group = probes.group(probe);
        if (offset % 2 == 0) {
            boolean first = offset == 0;
            if (first) {
                referenceLoss = context.loss();
                if (!(referenceLoss > 0) || !Double.isFinite(referenceLoss)) {
                    throw new IllegalStateException(
                            "CRIC needs a positive, finite reference loss at startCricStep "
                                    + cric.startCricStep()
                                    + ", got "
                                    + referenceLoss);
                }
                probeScores = score(context);
            }
            states.markRedundant(lowestOfGroup(group, probes.zeroedChannels(probe)));
            return new StepPlan(
                    offset + cric.startCricStep(), phase, first, false, false, 0.0, states.masks());
        }
        lossRatioSums[group] += context.loss() / referenceLoss;
        lossRatioCounts[group]++;
        states.releaseRedundant();
        return new StepPlan(
                offset + cric.startCricStep(), phase, false, true, false, 1.0, states.masks());
    }

    private int[] lowestOfGroup(int group, int count) {
        int offset = index.offset(group);
        int n = index.prunableGroups().get(group).channels();
        return LowestScores.select(probeScores, c -> c >= offset && c < offset + n, count);
    }

    /** Plans a cycle step, or returns null when the cycles end at this step. */
    private StepPlan cycleStep(int step, StepContext context) {
        double[] scores = null;
        boolean restore = false;
        if (cycle == 0 || step - cycleStartStep == cric.samplingSteps()) {
            int[] violating;
            if (cycle == 0) {
                scores = score(context);
                violating =
                        costs == null
                                ? LowestScores.select(scores, c -> true, initialTarget)
                                : budgetSelection(scores);
            } else {
                violating =
                        IntStream.range(0, trial.length)
                                .filter(c -> trial[c] && !historical[c])
                                .toArray();
            }
            if (cycle == cric.maxCycles() || violating.length <= cric.tolerance()) {
                if (history.samples() == 0) {
                    history.add(scores != null ? scores : score(context));
                }
                vote(step);
                return null;
            }
            cycle++;
            cycleStartStep = step;
            restore = true;
            states.releaseRedundant();
            for (int c : violating) {
                historical[c] = true;
            }
            Arrays.fill(trial, false);
            states.markRedundant(violating);
        }
        if (scores == null) {
            scores = score(context);
        }
        history.add(scores);
        int[] lowest =
                costs == null
                        ? LowestScores.select(scores, c -> true, initialTarget)
                        : budgetSelection(scores);
        for (int c : lowest) {
            if (!historical[c]) {
                trial[c] = true;
            }
        }
        phase = Phase.CRIC_CYCLE;
        double factor = Projection.factor(cric.samplingSteps(), step - cycleStartStep);
        return new StepPlan(step, phase, false, restore, true, factor, states.masks());
    }

    private void vote(int step) {
        cyclesDone = true;
        states.releaseRedundant();
        double[] votes = history.means();
        for (int c = 0; c < votes.length; c++) {
            int group = index.groupOf(c);
            if (lossRatioCounts[group] > 0) {
                double meanRatio = lossRatioSums[group] / lossRatioCounts[group];
                votes[c] +=
                        cric.lossWeight()
                                * meanRatio
                                / index.prunableGroups().get(group).channels();
            }
        }
        if (costs == null) {
            selectRedundant(votes, initialTarget);
        } else {
            selectWithinBudget(votes, settings.targetMacs().getAsDouble());
        }
        hybridStartStep = step;
    }

    private StepPlan hybridOrPrunedStep(int step) {
        int t = step - hybridStartStep;
        int length = cric.hybridTrainingSteps();
        if (t >= length) {
            phase = Phase.PRUNED;
            return plainStep(step, phase);
        }
        phase = Phase.CRIC_HYBRID;
        StepPlan plan =
                new StepPlan(
                        step,
                        phase,
                        false,
                        t == 0,
                        true,
                        Projection.factor(length, t),
                        states.masks());
        if (t == length - 1) {
            states.commitRedundant();
        }
        return plan;
    }

    /** {@inheritDoc} */
    @Override
    public Phase phase() {
        return phase;
    }

    /** {@inheritDoc} */
    @Override
    public int stage() {
        return cycle;
    }

    @Override
    boolean selectionsDone() {
        return cyclesDone;
    }

    /**
     * The vote's step {@code v} fixes the end: its hybrid phase commits at {@code v + H - 1}. The
     * cycles start at {@code p0 = startCricStep + probe steps}; the vote comes at a cycle boundary,
     * at the earliest the next one ({@code p0} itself before the cycles start, when the first
     * violating set is within the tolerance), at the latest after {@code maxCycles} cycles of
     * {@code S} steps, {@code p0 + maxCycles * S}.
     */
    @Override
    PruningEnd strategyEnd() {
        int hybridLast = cric.hybridTrainingSteps() - 1;
        if (cyclesDone) {
            return new PruningEnd(hybridStartStep + hybridLast, hybridStartStep + hybridLast);
        }
        int cyclesStart = cric.startCricStep() + probes.length();
        int latestVote = cyclesStart + cric.maxCycles() * cric.samplingSteps();
        int earliestVote = cycle == 0 ? cyclesStart : cycleStartStep + cric.samplingSteps();
        return new PruningEnd(earliestVote + hybridLast, latestVote + hybridLast);
    }

    @Override
    CricProgress progress() {
        return new CricProgress(
                phase,
                referenceLoss,
                probeScores,
                lossRatioSums,
                lossRatioCounts,
                history.sums(),
                history.samples(),
                historical,
                trial,
                cycle,
                cycleStartStep,
                cyclesDone,
                hybridStartStep);
    }
}
