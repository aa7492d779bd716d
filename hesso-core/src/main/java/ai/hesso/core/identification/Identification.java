package ai.hesso.core.identification;

import ai.hesso.core.Allocation;
import ai.hesso.core.ChannelState;
import ai.hesso.core.GroupSparsityBounds;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.Phase;
import ai.hesso.core.PruningEnd;
import ai.hesso.core.StepContext;
import ai.hesso.core.StepPlan;
import ai.hesso.core.cost.ChannelCosts;
import ai.hesso.core.cost.CostReport;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.saliency.ChannelStatistics;
import ai.hesso.core.selection.BoundedSelection;
import ai.hesso.core.selection.GroupDivisibleRounding;
import ai.hesso.core.selection.GroupQuotas;
import ai.hesso.core.selection.LowestScores;
import ai.hesso.core.selection.MacBudgetSelection;
import ai.hesso.core.selection.PerGroupBudget;
import java.util.Objects;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How redundant channels are identified and projected: HESSO's periods ({@link
 * PeriodicIdentification}) or CRIC's cycles ({@link CricIdentification}). Holds what both share:
 * the channel states, the target ({@code K} channels, or a MAC budget with its {@link
 * ChannelCosts}) and the last statistics.
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

    /** The cost model with a MAC budget, null with a group sparsity target. */
    final ChannelCosts costs;

    private int adjustedTarget;
    private ChannelStatistics lastStatistics;

    Identification(
            ChannelIndex index,
            HessoSettings settings,
            ChannelCosts costs,
            IdentificationState saved) {
        this.index = index;
        this.settings = settings;
        this.costs = costs;
        this.initialTarget =
                costs != null && settings.allocation() == Allocation.PER_GROUP
                        // the budget becomes a channel count, split over the groups as usual
                        ? PerGroupBudget.count(costs, budget(settings.targetMacs().getAsDouble()))
                        : settings.targetChannels(index.size());
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
        return build(index, settings, null, null);
    }

    /**
     * Creates the identification the settings ask for, with the cost model that a MAC budget
     * ({@link HessoSettings#targetMacs()}) is spent against.
     *
     * @param index the channel index of the model's node groups
     * @param settings the settings
     * @param costs the cost model bound to {@code index}; required with a MAC budget, ignored
     *     otherwise
     * @return a fresh identification, every channel important
     * @throws IllegalArgumentException if the settings set a MAC budget and {@code costs} is null
     */
    public static Identification create(
            ChannelIndex index, HessoSettings settings, ChannelCosts costs) {
        return build(index, settings, costs, null);
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
        return restore(index, settings, null, saved);
    }

    /**
     * Restores an identification from a saved state of the same model, settings and cost model.
     *
     * @param index the channel index of the model's node groups
     * @param settings the settings of the saved run
     * @param costs the cost model of the saved run (required with a MAC budget)
     * @param saved the saved state
     * @return the identification, as it was when the state was taken
     * @throws IllegalArgumentException if the state belongs to other node groups or to the other
     *     kind of identification
     */
    public static Identification restore(
            ChannelIndex index,
            HessoSettings settings,
            ChannelCosts costs,
            IdentificationState saved) {
        Objects.requireNonNull(saved, "saved");
        boolean cric = settings.cric().isPresent();
        if (cric != (saved.progress() instanceof CricProgress)) {
            throw new IllegalArgumentException(
                    "the saved state is of "
                            + (cric ? "plain HESSO" : "HESSO-CRIC")
                            + " but the settings "
                            + (cric ? "turn CRIC on" : "do not turn CRIC on"));
        }
        return build(index, settings, costs, saved);
    }

    private static Identification build(
            ChannelIndex index,
            HessoSettings settings,
            ChannelCosts costs,
            IdentificationState saved) {
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(settings, "settings");
        if (settings.targetMacs().isPresent() && costs == null) {
            throw new IllegalArgumentException(
                    "targetMacs is "
                            + settings.targetMacs().getAsDouble()
                            + " but no cost model was given; the engine adapter must hand one"
                            + " to the driver (HessoDriver with a CostModel)");
        }
        ChannelCosts budgetCosts = settings.targetMacs().isPresent() ? costs : null;
        if (budgetCosts != null && budgetCosts.index() != index) {
            throw new IllegalArgumentException(
                    "the cost model is bound to another channel index than the identification's");
        }
        return settings.schedule()
                .<Identification>map(
                        schedule ->
                                new PeriodicIdentification(
                                        index,
                                        settings,
                                        schedule,
                                        budgetCosts,
                                        saved == null ? null : (PeriodicProgress) saved.progress(),
                                        saved))
                .orElseGet(
                        () ->
                                new CricIdentification(
                                        index,
                                        settings,
                                        budgetCosts,
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
     * Whether pruning is complete: every channel this run will prune is pruned. True from the first
     * step when there is nothing to select ({@code K = 0}, or no prunable channel with a MAC
     * budget); otherwise once the strategy has made its last selection and no channel is left
     * redundant (HESSO: all periods started and the last one ended; CRIC: the vote taken and its
     * hybrid phase over). The phase alone does not say it: the step that ends the last period still
     * reports {@link Phase#PRUNING}, as it projected.
     *
     * @return whether pruning is complete
     */
    public boolean complete() {
        return nothingToSelect() || (selectionsDone() && !states.any(ChannelState.REDUNDANT));
    }

    /**
     * Returns the step with which pruning completes, as far as it is known now.
     *
     * @return the step or its bounds; {@code (0, 0)} when there is nothing to select
     */
    public PruningEnd end() {
        return nothingToSelect() ? new PruningEnd(0, 0) : strategyEnd();
    }

    /** Whether the strategy has made its last selection (HESSO's last period, CRIC's vote). */
    abstract boolean selectionsDone();

    /** Returns the step with which the strategy's last selection is pruned, or its bounds. */
    abstract PruningEnd strategyEnd();

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
        selectRedundant(scores, quota, 1);
    }

    /**
     * As {@link #selectRedundant(double[], int)}, with the periods left (this one included) over
     * which the group floors of {@link GroupSparsityBounds} are spread; channels the caps leave
     * unselected lower the target, loudly.
     */
    void selectRedundant(double[] scores, int quota, int periodsLeft) {
        IntPredicate important = c -> states.get(c) == ChannelState.IMPORTANT;
        GroupSparsityBounds bounds = settings.groupSparsityBounds();
        int[] chosen;
        if (settings.allocation() == Allocation.PER_GROUP) {
            chosen = GroupQuotas.select(index, scores, important, lostPerGroup(), quota);
        } else if (!bounds.isNone()) {
            chosen =
                    BoundedSelection.select(
                            index, scores, important, lostPerGroup(), quota, periodsLeft, bounds);
            if (chosen.length < quota) {
                adjustedTarget -= quota - chosen.length;
                logger.warn(
                        "the group sparsity cap {} left {} of the {} channels of this period"
                                + " unselected; the target is {} channels instead of {}",
                        bounds.cap(),
                        quota - chosen.length,
                        quota,
                        adjustedTarget,
                        initialTarget);
            }
        } else {
            chosen = LowestScores.select(scores, important, quota);
        }
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

    /** The channels each prunable group has lost so far: pruned or being projected. */
    private int[] lostPerGroup() {
        int[] lost = new int[index.prunableGroups().size()];
        for (int g = 0; g < lost.length; g++) {
            int offset = index.offset(g);
            for (int c = offset; c < offset + index.prunableGroups().get(g).channels(); c++) {
                if (states.get(c) != ChannelState.IMPORTANT) {
                    lost[g]++;
                }
            }
        }
        return lost;
    }

    /**
     * Whether there is nothing to select: {@code K = 0} with a group sparsity target, no prunable
     * channel with a MAC budget.
     */
    boolean nothingToSelect() {
        return selectsByCost() ? index.size() == 0 : initialTarget == 0;
    }

    /**
     * Whether each period spends a share of the MAC budget ({@link MacBudgetSelection}); false with
     * a group sparsity target and with {@link Allocation#PER_GROUP}, whose MAC budget is a channel
     * count ({@link PerGroupBudget}).
     */
    boolean selectsByCost() {
        return costs != null && settings.allocation() == Allocation.GLOBAL;
    }

    /**
     * Marks important channels redundant until the cost without the pruned and the newly redundant
     * channels is within {@code fraction} of the dense cost (see {@link MacBudgetSelection}); the
     * adjusted target becomes the number of channels chosen so far. Needs the cost model.
     */
    void selectWithinBudget(double[] scores, double fraction) {
        selectWithinBudget(scores, fraction, 1);
    }

    /**
     * As {@link #selectWithinBudget(double[], double)}, within the group floors and caps of {@link
     * GroupSparsityBounds}: first each group below its floor gives its due (what it still owes,
     * spread over the {@code periodsLeft} periods left, this one included; {@code groupDivisible}
     * may give some back), then the cost walk continues from the widths that leaves, never taking a
     * group past its cap.
     */
    void selectWithinBudget(double[] scores, double fraction, int periodsLeft) {
        GroupSparsityBounds bounds = settings.groupSparsityBounds();
        IntPredicate important = c -> states.get(c) == ChannelState.IMPORTANT;
        if (!bounds.isNone()) {
            int[] dues =
                    BoundedSelection.floorDues(
                            index, scores, important, lostPerGroup(), periodsLeft, bounds);
            states.markRedundant(
                    GroupDivisibleRounding.apply(
                            index, dues, states.prunedPerGroup(), settings.groupDivisible()));
        }
        int[] chosen =
                MacBudgetSelection.select(
                        scores,
                        important,
                        costs,
                        // the floors' dues are redundant now and count as removed; without bounds
                        // no channel is redundant at a period's start
                        costs.keptWithout(removed(!bounds.isNone())),
                        budget(fraction),
                        settings.groupDivisible(),
                        bounds.leastKept(index));
        states.markRedundant(chosen);
        adjustedTarget = states.count(ChannelState.PRUNED) + states.count(ChannelState.REDUNDANT);
    }

    /**
     * Whether some prunable group has lost fewer channels than its floor asks ({@link
     * GroupSparsityBounds#floorCount(int)}); always false without a floor.
     */
    boolean owesFloor() {
        GroupSparsityBounds bounds = settings.groupSparsityBounds();
        int[] lost = lostPerGroup();
        for (int g = 0; g < lost.length; g++) {
            if (lost[g] < bounds.floorCount(index.prunableGroups().get(g).channels())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Chooses, from the dense model, the channels whose removal meets the final MAC budget (CRIC's
     * violating and trial sets); changes no state. Needs the cost model.
     */
    int[] budgetSelection(double[] scores) {
        return MacBudgetSelection.select(
                scores,
                c -> true,
                costs,
                costs.fullWidths(),
                budget(settings.targetMacs().getAsDouble()),
                settings.groupDivisible());
    }

    /** Returns the largest cost a fraction of the dense cost allows. */
    double budget(double fraction) {
        return Math.floor(fraction * costs.denseCost());
    }

    /** Returns the cost once the pruned (and, if asked, the redundant) channels are removed. */
    long currentCost(boolean withRedundant) {
        return costs.cost(costs.keptWithout(removed(withRedundant)));
    }

    private boolean[] removed(boolean withRedundant) {
        boolean[] removed = new boolean[index.size()];
        for (int c = 0; c < removed.length; c++) {
            ChannelState state = states.get(c);
            removed[c] =
                    state == ChannelState.PRUNED
                            || (withRedundant && state == ChannelState.REDUNDANT);
        }
        return removed;
    }

    /**
     * Returns where the MAC budget stands.
     *
     * @return the report, or null with a group sparsity target
     */
    public CostReport costReport() {
        if (costs == null) {
            return null;
        }
        return new CostReport(
                costs.denseCost(),
                currentCost(false),
                currentCost(true),
                settings.targetMacs().getAsDouble());
    }

    /** A plan that trains normally: pruned rows stay zero, nothing is projected. */
    StepPlan plainStep(int step, Phase phase) {
        return new StepPlan(step, phase, false, false, true, 1.0, states.masks());
    }
}
