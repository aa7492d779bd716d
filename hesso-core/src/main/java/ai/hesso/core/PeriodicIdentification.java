package ai.hesso.core;

import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.schedule.PruningSchedule;

/**
 * HESSO's identification (spec section 4): at each period start the lowest-scoring channels up to
 * the period's quota become redundant; they are projected linearly to zero while still taking
 * gradient steps, and become pruned when the period ends.
 */
final class PeriodicIdentification extends Identification {

    private final PruningSchedule schedule;
    private final int[] quotas;
    private int periodsStarted;
    private Phase phase = Phase.WARM_UP;

    PeriodicIdentification(
            ChannelIndex index,
            ChannelStates states,
            HessoSettings settings,
            PruningSchedule schedule) {
        super(index, states, settings);
        this.schedule = schedule;
        this.quotas = schedule.quotas(initialTarget);
    }

    @Override
    StepPlan plan(int step, StepContext context) {
        if (schedule.startsPeriod(step, periodsStarted)) {
            states.commitRedundant();
            int quota = quotas[periodsStarted];
            if (quota > 0) {
                // a zero quota selects nothing, so its scores are never needed
                selectRedundant(score(context), quota);
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

    @Override
    Phase phase() {
        return phase;
    }

    @Override
    int stage() {
        return periodsStarted;
    }
}
