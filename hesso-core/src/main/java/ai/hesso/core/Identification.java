package ai.hesso.core;

import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.saliency.ChannelStatistics;
import ai.hesso.core.selection.GroupDivisibleRounding;
import ai.hesso.core.selection.LowestScores;

/**
 * How redundant channels are identified and projected: HESSO's periods or CRIC's cycles. Holds what
 * both share: the channel states, the target and the last statistics.
 */
abstract class Identification {

    final ChannelIndex index;
    final ChannelStates states;
    final HessoSettings settings;
    final int initialTarget;
    private int adjustedTarget;
    private ChannelStatistics lastStatistics;

    Identification(ChannelIndex index, ChannelStates states, HessoSettings settings) {
        this.index = index;
        this.states = states;
        this.settings = settings;
        this.initialTarget = settings.targetChannels(index.size());
        this.adjustedTarget = initialTarget;
    }

    /** Plans step {@code k}; called once per step, with steps 1, 2, 3, ... */
    abstract StepPlan plan(int step, StepContext context);

    /** Returns the phase of the last planned step. */
    abstract Phase phase();

    /** Returns the number of periods or cycles started. */
    abstract int stage();

    /** Returns K, adjusted by {@code groupDivisible} so far. */
    int adjustedTarget() {
        return adjustedTarget;
    }

    /** Returns the statistics of the last scoring step, or null before the first. */
    ChannelStatistics lastStatistics() {
        return lastStatistics;
    }

    /** Asks the engine for statistics and mixes them into one score per channel. */
    double[] score(StepContext context) {
        ChannelStatistics statistics = context.channelStatistics();
        if (statistics.size() != index.size()) {
            throw new IllegalStateException(
                    "the engine returned statistics for "
                            + statistics.size()
                            + " channels, the model has "
                            + index.size()
                            + " prunable channels");
        }
        lastStatistics = statistics;
        return settings.saliency().score(statistics);
    }

    /**
     * Marks the {@code quota} lowest-scoring important channels redundant, then gives back what
     * {@code groupDivisible} requires and adjusts the target by the difference.
     */
    void selectRedundant(double[] scores, int quota) {
        int[] chosen =
                LowestScores.select(scores, c -> states.get(c) == ChannelState.IMPORTANT, quota);
        int[] kept =
                GroupDivisibleRounding.apply(
                        index, chosen, states.prunedPerGroup(), settings.groupDivisible());
        adjustedTarget -= chosen.length - kept.length;
        states.markRedundant(kept);
    }

    /** A plan that trains normally: pruned rows stay zero, nothing is projected. */
    StepPlan plainStep(int step, Phase phase) {
        return new StepPlan(step, phase, false, false, true, 1.0, states.masks());
    }
}
