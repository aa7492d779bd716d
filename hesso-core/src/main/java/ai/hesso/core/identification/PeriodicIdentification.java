package ai.hesso.core.identification;

import ai.hesso.core.ChannelState;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.Phase;
import ai.hesso.core.PruningEnd;
import ai.hesso.core.StepContext;
import ai.hesso.core.StepPlan;
import ai.hesso.core.cost.ChannelCosts;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.schedule.PruningSchedule;

/**
 * HESSO's identification (spec section 4): at each period start the lowest-scoring channels up to
 * the period's quota become redundant; they are projected linearly to zero while still taking
 * gradient steps, and become pruned when the period ends.
 *
 * <p>With a MAC budget {@code f} the quota of period {@code p} is a cost instead of a channel
 * count: at its start, channels are chosen (by {@link ai.hesso.core.selection.MacBudgetSelection})
 * until the cost left is at most {@code 1 - (1 - f) p / P} of the dense cost ({@link
 * PruningSchedule#costFractions}), {@code f} after the last.
 */
final class PeriodicIdentification extends Identification {

    private final PruningSchedule schedule;
    private final int[] quotas;
    private final double[] costFractions;
    private int periodsStarted;
    private Phase phase = Phase.WARM_UP;

    PeriodicIdentification(
            ChannelIndex index,
            HessoSettings settings,
            PruningSchedule schedule,
            ChannelCosts costs,
            PeriodicProgress progress,
            IdentificationState saved) {
        super(index, settings, costs, saved);
        this.schedule = schedule;
        this.quotas = schedule.quotas(initialTarget);
        this.costFractions =
                selectsByCost()
                        ? schedule.costFractions(settings.targetMacs().getAsDouble())
                        : null;
        if (progress != null) {
            if (progress.periodsStarted() > schedule.pruningPeriods()) {
                throw new IllegalArgumentException(
                        "the saved state started "
                                + progress.periodsStarted()
                                + " periods, the settings have "
                                + schedule.pruningPeriods());
            }
            this.periodsStarted = progress.periodsStarted();
            this.phase = progress.phase();
        }
    }

    /** {@inheritDoc} */
    @Override
    public StepPlan plan(int step, StepContext context) {
        if (schedule.startsPeriod(step, periodsStarted)) {
            states.commitRedundant();
            if (selectsByCost()) {
                double fraction = costFractions[periodsStarted];
                if (currentCost(false) > budget(fraction) || owesFloor()) {
                    // a period within budget that owes no floor needs no scores
                    selectWithinBudget(
                            score(context), fraction, schedule.pruningPeriods() - periodsStarted);
                }
            } else {
                int quota = quotas[periodsStarted];
                if (quota > 0) {
                    // a zero quota selects nothing, so its scores are never needed
                    selectRedundant(
                            score(context), quota, schedule.pruningPeriods() - periodsStarted);
                }
            }
            periodsStarted++;
        }
        boolean projecting = states.any(ChannelState.REDUNDANT);
        if (periodsStarted == 0) {
            phase = Phase.WARM_UP;
        } else if (projecting || periodsStarted < schedule.pruningPeriods()) {
            phase = Phase.PRUNING;
        } else {
            phase = Phase.PRUNED;
        }
        double factor = projecting ? schedule.projectionFactor(step) : 1.0;
        StepPlan plan = new StepPlan(step, phase, false, false, true, factor, states.masks());
        if (projecting && schedule.endsPeriod(step)) {
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
        return periodsStarted;
    }

    @Override
    boolean selectionsDone() {
        return periodsStarted == schedule.pruningPeriods();
    }

    @Override
    PruningEnd strategyEnd() {
        // the schedule is a pure function of the step: the last period ends where it says
        int last = schedule.lastPruningStep();
        return new PruningEnd(last, last);
    }

    @Override
    PeriodicProgress progress() {
        return new PeriodicProgress(phase, periodsStarted);
    }
}
