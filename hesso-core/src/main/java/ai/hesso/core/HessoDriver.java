package ai.hesso.core;

import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.saliency.ChannelStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HESSO state machine: it owns the pruning state and, once per optimizer step, returns the
 * {@link StepPlan} that an engine adapter executes on every trainable tensor.
 *
 * <p>Lifecycle: create one driver per training run with the settings and the model's node groups;
 * call {@link #nextStep(StepContext)} exactly once per optimizer step (steps are counted from 1
 * here), before any tensor of that step is updated; read {@link #metrics()} and {@link
 * #prunedChannels()} at any time. The driver is not thread-safe; an engine that updates tensors on
 * several devices calls it once per step and applies the same plan to every device copy.
 */
public final class HessoDriver {

    private static final Logger logger = LoggerFactory.getLogger(HessoDriver.class);

    private final ChannelIndex index;
    private final ChannelStates states;
    private final Identification identification;
    private int step;
    private Phase loggedPhase;
    private int loggedStage;

    /**
     * Creates a driver.
     *
     * @param settings the pruning settings
     * @param groups every node group of the model (names unique, each tensor in one group)
     */
    public HessoDriver(HessoSettings settings, List<NodeGroup> groups) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(groups, "groups");
        this.index = new ChannelIndex(groups, settings.groupDivisible());
        this.states = new ChannelStates(index);
        this.identification =
                settings.schedule()
                        .<Identification>map(
                                schedule ->
                                        new PeriodicIdentification(
                                                index, states, settings, schedule))
                        .orElseGet(() -> new CricIdentification(index, states, settings));
        if (settings.targetGroupSparsity() > 0 && index.size() == 0) {
            throw new IllegalArgumentException(
                    "targetGroupSparsity is "
                            + settings.targetGroupSparsity()
                            + " but no node group is prunable (groups: "
                            + groups.size()
                            + ", groupDivisible "
                            + settings.groupDivisible()
                            + "); give prunable node groups with more than groupDivisible"
                            + " channels, or set targetGroupSparsity to 0");
        }
        if (settings.targetGroupSparsity() > 0 && identification.initialTarget == 0) {
            throw new IllegalArgumentException(
                    "targetGroupSparsity "
                            + settings.targetGroupSparsity()
                            + " of "
                            + index.size()
                            + " prunable channels rounds down to 0 channels to prune; raise"
                            + " targetGroupSparsity to at least "
                            + (1.0 / index.size())
                            + " or set it to 0 for plain training");
        }
        logger.debug(
                "HESSO: {} prunable channels in {} of {} node groups, target {} ({})",
                index.size(),
                index.prunableGroups().size(),
                groups.size(),
                identification.initialTarget,
                settings);
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
        return states.get(channel);
    }

    /**
     * Returns the current masks (redundant and pruned rows of each prunable group).
     *
     * @return the masks
     */
    public ChannelMasks masks() {
        return states.masks();
    }

    /**
     * Returns the pruned channels of every prunable node group, by name.
     *
     * @return an insertion-ordered map from node group name to ascending local channel indices
     */
    public Map<String, int[]> prunedChannels() {
        Map<String, int[]> pruned = new LinkedHashMap<>();
        ChannelMasks masks = states.masks();
        for (int g = 0; g < index.prunableGroups().size(); g++) {
            pruned.put(index.prunableGroups().get(g).name(), masks.pruned(g));
        }
        return pruned;
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
                if (states.get(c) == ChannelState.IMPORTANT) {
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
                states.count(ChannelState.IMPORTANT),
                states.count(ChannelState.REDUNDANT),
                states.count(ChannelState.PRUNED),
                importantNorm,
                redundantNorm);
    }
}
