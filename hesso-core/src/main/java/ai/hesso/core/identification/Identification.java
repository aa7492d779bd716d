package ai.hesso.core.identification;

import ai.hesso.core.ChannelState;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.Phase;
import ai.hesso.core.StepContext;
import ai.hesso.core.StepPlan;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.saliency.ChannelStatistics;
import ai.hesso.core.selection.GroupDivisibleRounding;
import ai.hesso.core.selection.LowestScores;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How redundant channels are identified and projected: HESSO's periods ({@link
 * PeriodicIdentification}) or CRIC's cycles ({@link CricIdentification}). Holds what both share:
 * the channel states, the target {@code K} and the last statistics.
 *
 * <p>Lifecycle: {@link #create} (or {@link #restore} from a saved {@link IdentificationState}),
 * then {@link #plan} once per step with steps 1, 2, 3, ...; {@link #state()} at any time between
 * two steps captures everything the next plans depend on. Not thread-safe. {@link
 * ai.hesso.core.HessoDriver} is the only intended caller.
 */
public abstract sealed class Identification permits PeriodicIdentification, CricIdentification {

    private static final Logger logger = LoggerFactory.getLogger(Identification.class);

    final ChannelIndex index;
    final ChannelStates states;
    final HessoSettings settings;
    final int initialTarget;
    private int adjustedTarget;
    private ChannelStatistics lastStatistics;

    Identification(ChannelIndex index, HessoSettings settings, IdentificationState saved) {
        this.index = index;
        this.settings = settings;
        this.initialTarget = settings.targetChannels(index.size());
        if (saved == null) {
            this.states = new ChannelStates(index);
            this.adjustedTarget = initialTarget;
        } else {
            this.states = new ChannelStates(index, saved.channels(), saved.masksVersion());
            this.adjustedTarget = saved.adjustedTarget();
            this.lastStatistics = saved.lastStatistics();
        }
    }

    /**
     * Creates the identification the settings ask for: CRIC when {@link HessoSettings#cric()} is
     * set, HESSO's periods otherwise.
     *
     * @param index the channel index of the model's node groups
     * @param settings the settings
     * @return a fresh identification, every channel important
     */
    public static Identification create(ChannelIndex index, HessoSettings settings) {
        return build(index, settings, null);
    }

    /**
     * Restores an identification from a saved state of the same model and settings.
     *
     * @param index the channel index of the model's node groups
     * @param settings the settings of the saved run
     * @param saved the saved state
     * @return the identification, as it was when the state was taken
     * @throws IllegalArgumentException if the state belongs to other node groups (another channel
     *     count) or to the other kind of identification
     */
    public static Identification restore(
            ChannelIndex index, HessoSettings settings, IdentificationState saved) {
        Objects.requireNonNull(saved, "saved");
        boolean cric = settings.cric().isPresent();
        if (cric != (saved.progress() instanceof CricProgress)) {
            throw new IllegalArgumentException(
                    "the saved state is of "
                            + (cric ? "plain HESSO" : "HESSO-CRIC")
                            + " but the settings "
                            + (cric ? "turn CRIC on" : "do not turn CRIC on"));
        }
        return build(index, settings, saved);
    }

    private static Identification build(
            ChannelIndex index, HessoSettings settings, IdentificationState saved) {
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(settings, "settings");
        return settings.schedule()
                .<Identification>map(
                        schedule ->
                                new PeriodicIdentification(
                                        index,
                                        settings,
                                        schedule,
                                        saved == null ? null : (PeriodicProgress) saved.progress(),
                                        saved))
                .orElseGet(
                        () ->
                                new CricIdentification(
                                        index,
                                        settings,
                                        saved == null ? null : (CricProgress) saved.progress(),
                                        saved));
    }

    /**
     * Plans step {@code k}; called once per step, with steps 1, 2, 3, ...
     *
     * @param step the 1-based step
     * @param context the engine's lazily computed statistics and loss
     * @return the plan
     */
    public abstract StepPlan plan(int step, StepContext context);

    /**
     * Returns the phase of the last planned step.
     *
     * @return the phase
     */
    public abstract Phase phase();

    /**
     * Returns the number of periods or cycles started.
     *
     * @return the stage
     */
    public abstract int stage();

    /**
     * Returns the progress of the strategy itself (periods, or CRIC's probe, cycles and vote).
     *
     * @return a value that {@link #restore} accepts inside an {@link IdentificationState}
     */
    abstract IdentificationProgress progress();

    /**
     * Captures everything the next plans depend on.
     *
     * @return the state, independent of this object
     */
    public IdentificationState state() {
        return new IdentificationState(
                states.snapshot(), states.version(), adjustedTarget, lastStatistics, progress());
    }

    /**
     * Returns the target {@code K} before any {@code groupDivisible} adjustment.
     *
     * @return the initial target
     */
    public int initialTarget() {
        return initialTarget;
    }

    /**
     * Returns K, adjusted by {@code groupDivisible} so far.
     *
     * @return the adjusted target
     */
    public int adjustedTarget() {
        return adjustedTarget;
    }

    /**
     * Returns the statistics of the last scoring step.
     *
     * @return the statistics, or null before the first scoring step
     */
    public ChannelStatistics lastStatistics() {
        return lastStatistics;
    }

    /**
     * Returns the current state of a global channel.
     *
     * @param channel a global index in {@code [0, N)}
     * @return its state
     */
    public ChannelState channelState(int channel) {
        return states.get(channel);
    }

    /**
     * Counts the channels in a state.
     *
     * @param state the state
     * @return how many of the N prunable channels are in it
     */
    public int count(ChannelState state) {
        return states.count(state);
    }

    /**
     * Returns the current masks (redundant and pruned rows of each prunable group).
     *
     * @return the masks
     */
    public ChannelMasks masks() {
        return states.masks();
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
        if (kept.length < chosen.length) {
            // loud: a model left less pruned than asked must never be a surprise
            logger.warn(
                    "groupDivisible {} gave back {} of the {} channels selected now; the target"
                            + " is {} channels instead of {}",
                    settings.groupDivisible(),
                    chosen.length - kept.length,
                    chosen.length,
                    adjustedTarget,
                    initialTarget);
        }
        states.markRedundant(kept);
    }

    /** A plan that trains normally: pruned rows stay zero, nothing is projected. */
    StepPlan plainStep(int step, Phase phase) {
        return new StepPlan(step, phase, false, false, true, 1.0, states.masks());
    }
}
