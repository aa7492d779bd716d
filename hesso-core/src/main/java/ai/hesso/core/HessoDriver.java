package ai.hesso.core;

import ai.hesso.core.cost.ChannelCosts;
import ai.hesso.core.cost.CostModel;
import ai.hesso.core.cost.CostReport;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.identification.ChannelMasks;
import ai.hesso.core.identification.Identification;
import ai.hesso.core.saliency.ChannelStatistics;
import ai.hesso.core.selection.GroupDivisibleRounding;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HESSO state machine: it owns the pruning state and, once per optimizer step, returns the
 * {@link StepPlan} that an engine adapter executes on every trainable tensor.
 *
 * <p>Lifecycle: create one driver per training run with the settings and the model's node groups;
 * call {@link #nextStep(StepContext)} exactly once per optimizer step (steps are counted from 1
 * here), before any tensor of that step is updated; read {@link #metrics()} and {@link
 * #prunedChannels()} at any time; {@link #pruningComplete()} says when the pruned set is final. The
 * driver is not thread-safe; an engine that updates tensors on several devices calls it once per
 * step and applies the same plan to every device copy.
 *
 * <p>With a MAC budget ({@link HessoSettings#targetMacs()}) the engine also hands over a {@link
 * CostModel} of the model; {@link #costReport()} then says how far the budget is spent.
 *
 * <p>The algorithm it plans (periods, {@code groupDivisible} rounding, CRIC's probe, cycles and
 * vote) and where it departs from the paper and from OTO's reference code are written out in the
 * repository's {@code docs/algorithm.md}.
 */
public final class HessoDriver {

    private static final Logger logger = LoggerFactory.getLogger(HessoDriver.class);

    private final HessoSettings settings;
    private final ChannelIndex index;
    private final Identification identification;
    private final ChannelCosts costs;
    private int step;
    private Phase loggedPhase;
    private int loggedStage;

    /**
     * Creates a driver for a new run.
     *
     * @param settings the pruning settings
     * @param groups every node group of the model (names unique, each tensor in one group)
     */
    public HessoDriver(HessoSettings settings, List<NodeGroup> groups) {
        this(settings, groups, null);
    }

    /**
     * Creates a driver that continues a saved run: with the same settings and node groups, the
     * plans from here on are those the saved run would have made.
     *
     * @param settings the pruning settings of the saved run
     * @param groups the node groups of the saved run
     * @param saved the state taken with {@link #state()}, or null for a new run
     * @throws IllegalArgumentException if the state does not fit the settings or groups (another
     *     channel count, the other kind of identification)
     */
    public HessoDriver(HessoSettings settings, List<NodeGroup> groups, DriverState saved) {
        this(settings, groups, saved, null);
    }

    /**
     * Creates a driver, new or continuing a saved run, with the cost model that a MAC budget is
     * spent against.
     *
     * @param settings the pruning settings
     * @param groups every node group of the model
     * @param saved the state taken with {@link #state()}, or null for a new run
     * @param costModel the model's cost as a function of its node groups' widths; required when the
     *     settings set {@code targetMacs}, ignored otherwise
     * @throws IllegalArgumentException if the state does not fit, the cost model is missing or does
     *     not fit the node groups, or the budget is below what pruning can reach
     */
    public HessoDriver(
            HessoSettings settings,
            List<NodeGroup> groups,
            DriverState saved,
            CostModel costModel) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(groups, "groups");
        this.settings = settings;
        this.index = new ChannelIndex(groups, settings.groupDivisible());
        this.costs = budgetCosts(settings, index, costModel);
        if (saved == null) {
            this.identification = Identification.create(index, settings, costs);
        } else {
            this.identification =
                    Identification.restore(index, settings, costs, saved.identification());
            this.step = saved.step();
            this.loggedPhase = identification.phase();
            this.loggedStage = identification.stage();
        }
        logger.debug(
                "HESSO: {} prunable channels in {} of {} node groups, target {} ({})",
                index.size(),
                index.prunableGroups().size(),
                groups.size(),
                identification.initialTarget(),
                settings);
    }

    private static ChannelCosts budgetCosts(
            HessoSettings settings, ChannelIndex index, CostModel costModel) {
        if (settings.targetMacs().isEmpty()) {
            return null;
        }
        double fraction = settings.targetMacs().getAsDouble();
        if (costModel == null) {
            throw new IllegalArgumentException(
                    "targetMacs is "
                            + fraction
                            + " but no cost model was given: the engine adapter builds one from"
                            + " the model (HessoDriver(settings, groups, saved, costModel))");
        }
        ChannelCosts costs = new ChannelCosts(costModel, index);
        GroupSparsityBounds bounds = settings.groupSparsityBounds();
        long least =
                costs.cost(costs.leastWidths(settings.groupDivisible(), bounds.leastKept(index)));
        if (index.size() > 0 && least > Math.floor(fraction * costs.denseCost())) {
            double reachable = (double) least / costs.denseCost();
            throw new IllegalArgumentException(
                    String.format(
                            "targetMacs %s is out of reach: with every prunable node group down"
                                    + " to %s and the other layers unchanged the model keeps %,d"
                                    + " of %,d MACs (%.4f); set targetMacs to at least %.4f%s",
                            fraction,
                            bounds.cap() < 1
                                    ? "what the group sparsity cap " + bounds.cap() + " allows"
                                    : settings.groupDivisible() + " channel(s) (groupDivisible)",
                            least,
                            costs.denseCost(),
                            reachable,
                            Math.ceil(reachable * 1e4) / 1e4,
                            bounds.cap() < 1 ? ", or raise the cap" : ""));
        }
        return costs;
    }

    /**
     * Captures everything the driver decides from: the step counter, every channel's state and the
     * identification's progress. With the same settings and node groups, {@link
     * #HessoDriver(HessoSettings, List, DriverState)} continues from it exactly.
     *
     * @return the state, independent of this driver
     */
    public DriverState state() {
        return new DriverState(step, identification.state());
    }

    /**
     * Explains why a positive target group sparsity prunes no channel: no node group is prunable,
     * {@code K = floor(N * s)} rounds down to 0, or {@code groupDivisible} gives back every
     * selection.
     *
     * @param settings the settings
     * @param index the channel index
     * @param groups the number of node groups given
     * @return the explanation, naming the setting to change, or null when the target is positive or
     *     the sparsity is 0
     */
    static String nothingToPrune(HessoSettings settings, ChannelIndex index, int groups) {
        if (settings.targetMacs().isPresent()) {
            return index.size() > 0
                    ? null
                    : "targetMacs is "
                            + settings.targetMacs().getAsDouble()
                            + " but no node group is prunable (groups: "
                            + groups
                            + ", groupDivisible "
                            + settings.groupDivisible()
                            + "); give prunable node groups with more than groupDivisible"
                            + " channels";
        }
        if (settings.targetGroupSparsity() == 0) {
            return null;
        }
        if (settings.targetChannels(index.size()) > 0) {
            return groupDivisibleLeavesNothing(settings, index);
        }
        if (index.size() == 0) {
            return "targetGroupSparsity is "
                    + settings.targetGroupSparsity()
                    + " but no node group is prunable (groups: "
                    + groups
                    + ", groupDivisible "
                    + settings.groupDivisible()
                    + "); give prunable node groups with more than groupDivisible channels, or set"
                    + " targetGroupSparsity to 0";
        }
        return "targetGroupSparsity "
                + settings.targetGroupSparsity()
                + " of "
                + index.size()
                + " prunable channels rounds down to 0 channels to prune; raise"
                + " targetGroupSparsity to at least "
                + (1.0 / index.size())
                + " or set it to 0 for plain training";
    }

    /**
     * Explains why {@code groupDivisible} gives back every selection: each selection (a period's
     * quota, or CRIC's one vote of K) is smaller than the fewest channels any group must lose at
     * once to keep a multiple of {@code groupDivisible}, so no group ever shrinks (by induction:
     * nothing pruned keeps every group at its full size).
     *
     * @return the explanation, or null when some selection can prune
     */
    private static String groupDivisibleLeavesNothing(HessoSettings settings, ChannelIndex index) {
        int q = settings.groupDivisible();
        if (q == 1) {
            return null;
        }
        int target = settings.targetChannels(index.size());
        int[] quotas = settings.schedule().map(s -> s.quotas(target)).orElse(new int[] {target});
        int largest = Arrays.stream(quotas).max().orElse(0);
        NodeGroup easiest = null;
        int fewest = Integer.MAX_VALUE;
        for (NodeGroup group : index.prunableGroups()) {
            int needed = GroupDivisibleRounding.smallestEffectiveSelection(group.channels(), q);
            if (needed < fewest) {
                fewest = needed;
                easiest = group;
            }
        }
        if (easiest == null || largest >= fewest) {
            return null;
        }
        return "groupDivisible "
                + q
                + " leaves nothing to prune: the largest selection is "
                + largest
                + " channels (quotas "
                + Arrays.toString(quotas)
                + " of target "
                + target
                + "), but even node group '"
                + easiest.name()
                + "' ("
                + easiest.channels()
                + " channels) keeps a multiple of "
                + q
                + " only if one selection takes at least "
                + fewest
                + " of its channels; use fewer pruning periods, a higher targetGroupSparsity or a"
                + " smaller groupDivisible";
    }

    /**
     * Returns why this driver's positive target prunes no channel. The specification then trains
     * plainly; the engine decides whether that is an error and says so (the driver logs nothing, so
     * that a refused run does not also warn).
     *
     * @return the explanation, or empty when there is something to prune or the sparsity is 0
     */
    public Optional<String> nothingToPruneReason() {
        return Optional.ofNullable(nothingToPrune(settings, index, index.allGroups().size()));
    }

    /**
     * Plans the next step. Call once per optimizer step, before updating any tensor.
     *
     * @param context the engine's lazily computed statistics and loss for this step
     * @return what to do with every trainable tensor in this step
     */
    public StepPlan nextStep(StepContext context) {
        step++;
        StepPlan plan = identification.plan(step, context);
        if (plan.phase() != loggedPhase || identification.stage() != loggedStage) {
            loggedPhase = plan.phase();
            loggedStage = identification.stage();
            logger.info("{}", metrics());
            if (costs != null) {
                logger.info("{}", costReport().orElseThrow());
            }
        }
        return plan;
    }

    /**
     * Returns the number of steps planned so far.
     *
     * @return the last step number, 0 before the first
     */
    public int step() {
        return step;
    }

    /**
     * Returns the global channel numbering.
     *
     * @return the index
     */
    public ChannelIndex channelIndex() {
        return index;
    }

    /**
     * Returns the current state of a global channel.
     *
     * @param channel a global index in {@code [0, N)}
     * @return its state
     */
    public ChannelState state(int channel) {
        return identification.channelState(channel);
    }

    /**
     * Returns the current masks (redundant and pruned rows of each prunable group).
     *
     * @return the masks
     */
    public ChannelMasks masks() {
        return identification.masks();
    }

    /**
     * Returns the pruned channels of every prunable node group, by name.
     *
     * @return an insertion-ordered map from node group name to ascending local channel indices
     */
    public Map<String, int[]> prunedChannels() {
        Map<String, int[]> pruned = new LinkedHashMap<>();
        ChannelMasks masks = identification.masks();
        for (int g = 0; g < index.prunableGroups().size(); g++) {
            pruned.put(index.prunableGroups().get(g).name(), masks.pruned(g));
        }
        return pruned;
    }

    /**
     * Whether pruning is complete: every channel the run prunes is pruned and stays exactly zero,
     * so the model is ready to be compacted. HESSO: all periods have started and the last one has
     * ended (after step {@link ai.hesso.core.schedule.PruningSchedule#lastPruningStep()}); CRIC:
     * the cycles have stopped, the vote is taken and the hybrid phase is over. True from the start
     * when the target prunes nothing. Unlike {@code metrics().phase() == PRUNED} it is already true
     * right after the step that ends the last period.
     *
     * @return whether pruning is complete
     */
    public boolean pruningComplete() {
        return identification.complete();
    }

    /**
     * Returns the step with which pruning completes: exact for HESSO's periods and, from its vote
     * on, for CRIC; before the vote CRIC's cycles may stop early, so the step lies between two
     * bounds that narrow as the cycles run.
     *
     * @return the step or its bounds; {@code (0, 0)} when the target prunes nothing
     */
    public PruningEnd pruningEnd() {
        return identification.end();
    }

    /**
     * Returns the channel statistics of the last scoring step (period starts, CRIC's scoring
     * steps): the per-channel reductions of values and directions the saliency scores came from.
     *
     * @return the statistics, or empty before the first scoring step
     */
    public Optional<ChannelStatistics> lastStatistics() {
        return Optional.ofNullable(identification.lastStatistics());
    }

    /**
     * Returns where the MAC budget stands: the dense MACs, the MACs without the pruned channels
     * (the compact model's, as the cost model counts them) and the target.
     *
     * @return the report, or empty when the target is a group sparsity
     */
    public Optional<CostReport> costReport() {
        return Optional.ofNullable(identification.costReport());
    }

    /**
     * Returns the current metrics.
     *
     * @return a snapshot of counts, phase and norms
     */
    public HessoMetrics metrics() {
        double importantNorm = 0;
        double redundantNorm = 0;
        ChannelStatistics statistics = identification.lastStatistics();
        if (statistics != null) {
            for (int c = 0; c < index.size(); c++) {
                double norm = Math.sqrt(statistics.valueSquares()[c]);
                if (identification.channelState(c) == ChannelState.IMPORTANT) {
                    importantNorm += norm;
                } else {
                    redundantNorm += norm;
                }
            }
        }
        return new HessoMetrics(
                step,
                identification.phase(),
                identification.stage(),
                index.size(),
                identification.adjustedTarget(),
                identification.count(ChannelState.IMPORTANT),
                identification.count(ChannelState.REDUNDANT),
                identification.count(ChannelState.PRUNED),
                importantNorm,
                redundantNorm,
                0,
                -1);
    }
}
