package ai.hesso.djl.compact;

import ai.djl.nn.Block;
import ai.hesso.core.ChannelState;
import ai.hesso.core.HessoMetrics;
import ai.hesso.core.Phase;
import ai.hesso.djl.HessoOptimizer;
import ai.hesso.djl.discovery.DiscoveryReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What compaction asks of a {@link HessoOptimizer}, in one place: its pruned channels, refused
 * while its pruning is not complete; and the checks of those channels against the block's arrays,
 * with messages that name each channel that differs and why.
 */
final class OptimizerChannels {

    private static final Logger LOG = LoggerFactory.getLogger(OptimizerChannels.class);

    private OptimizerChannels() {}

    /**
     * Returns the optimizer's pruned channels as a selection, refusing an unfinished run unless the
     * options allow it (then it warns).
     *
     * @param hesso the optimizer
     * @param report the discovery report of its block
     * @param options whether an unfinished run is allowed
     * @return the pruned channels, checked against the report
     * @throws IllegalStateException if pruning has not completed and the options do not allow it,
     *     naming the step the run is at, when pruning completes and what to do
     */
    static ChannelSelection pruned(
            HessoOptimizer hesso, DiscoveryReport report, CompactionOptions options) {
        Objects.requireNonNull(hesso, "hesso");
        Objects.requireNonNull(options, "options");
        if (!hesso.pruningComplete()) {
            String unfinished = unfinished(hesso);
            if (!options.allowUnfinished()) {
                throw new IllegalStateException(
                        unfinished
                                + ". Train until pruning completes (to the end of the schedule),"
                                + " or pass CompactionOptions.builder().optAllowUnfinished(true)"
                                + ".build() to compact what is pruned so far");
            }
            LOG.warn("compacting anyway (allowUnfinished): {}", unfinished);
        }
        return ChannelSelection.of(report, hesso.prunedChannels());
    }

    /** Says where an unfinished run stands: its step, its counts and when pruning completes. */
    private static String unfinished(HessoOptimizer hesso) {
        HessoMetrics metrics = hesso.metrics();
        if (metrics.step() == 0) {
            return "HESSO has not pruned anything: the optimizer has taken no step (nor resumed"
                    + " a checkpoint)";
        }
        return "HESSO has not finished pruning: the run is at "
                + metrics
                + "; pruning completes "
                + hesso.pruningEnd()
                + ", and compacting now would remove only the "
                + metrics.pruned()
                + " channels pruned so far of the target "
                + metrics.targetChannels();
    }

    /**
     * Refuses a selection of the optimizer's pruned channels of which some are not exactly zero in
     * the block's arrays: the block is not the one the optimizer trained, or its parameters were
     * changed or loaded since.
     *
     * @param block the initialized block
     * @param report its discovery report
     * @param pruned the optimizer's pruned channels
     * @throws IllegalStateException naming each group and channel that is not zero
     */
    static void requireZero(Block block, DiscoveryReport report, ChannelSelection pruned) {
        Map<String, int[]> notZero = ZeroChannels.notZero(block, report, pruned);
        if (!notZero.isEmpty()) {
            throw new IllegalStateException(
                    "HESSO pruned channels that are not exactly zero in the block's arrays: "
                            + describe(notZero)
                            + "; is this the block the optimizer trained (its setBlock(..)), with"
                            + " the parameters training left? Parameters changed or loaded after"
                            + " training no longer match the optimizer's pruned set");
        }
    }

    /**
     * Refuses zero channels that are not exactly the optimizer's pruned channels.
     *
     * @param zeros the channels zero in the block's arrays
     * @param pruned the optimizer's pruned channels
     * @param hesso the optimizer, which says why a channel it has not pruned is zero
     * @throws IllegalStateException naming, per group, each channel that differs and why
     */
    static void requireSame(ChannelSelection zeros, ChannelSelection pruned, HessoOptimizer hesso) {
        String differences =
                differences(zeros, pruned, hesso.channelStates(), hesso.metrics().phase());
        if (differences != null) {
            throw new IllegalStateException(
                    "the channels that are zero in the block's arrays are not HESSO's pruned"
                            + " channels: "
                            + differences
                            + ". Compaction.compact(block, report, hesso, inputShapes) removes"
                            + " exactly the pruned channels");
        }
    }

    /**
     * Lists the channels in which the zero channels and the pruned channels differ, each group with
     * why, or returns null when they are the same.
     */
    private static String differences(
            ChannelSelection zeros,
            ChannelSelection pruned,
            Map<String, ChannelState[]> states,
            Phase phase) {
        List<String> zeroOnly = new ArrayList<>();
        List<String> prunedOnly = new ArrayList<>();
        Set<String> groups = new LinkedHashSet<>(zeros.removed().keySet());
        groups.addAll(pruned.removed().keySet());
        for (String group : groups) {
            Set<Integer> zero = set(zeros.removed(group));
            Set<Integer> cut = set(pruned.removed(group));
            Map<String, List<Integer>> byReason = new LinkedHashMap<>();
            for (int c : zero) {
                if (!cut.contains(c)) {
                    byReason.computeIfAbsent(
                                    whyZero(states.get(group), phase, c), k -> new ArrayList<>())
                            .add(c);
                }
            }
            byReason.forEach(
                    (reason, channels) ->
                            zeroOnly.add(
                                    "node group '"
                                            + group
                                            + "' channels "
                                            + channels
                                            + " ("
                                            + reason
                                            + ")"));
            List<Integer> notZero = new ArrayList<>();
            for (int c : cut) {
                if (!zero.contains(c)) {
                    notZero.add(c);
                }
            }
            if (!notZero.isEmpty()) {
                prunedOnly.add("node group '" + group + "' channels " + notZero);
            }
        }
        if (zeroOnly.isEmpty() && prunedOnly.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        if (!zeroOnly.isEmpty()) {
            parts.add("zero in the arrays but not pruned by HESSO: " + String.join(", ", zeroOnly));
        }
        if (!prunedOnly.isEmpty()) {
            parts.add(
                    "pruned by HESSO but not zero in the arrays (parameters changed or loaded"
                            + " after training, or not the block the optimizer trained): "
                            + String.join(", ", prunedOnly));
        }
        return String.join("; ", parts);
    }

    /** Explains why a channel the optimizer has not pruned is zero, from its state and phase. */
    private static String whyZero(ChannelState[] states, Phase phase, int channel) {
        if (states == null) {
            return "not a prunable node group of the optimizer";
        }
        ChannelState state = states[channel];
        if (state != ChannelState.REDUNDANT) {
            return "kept by HESSO: a dead channel, or rows set to zero outside the optimizer";
        }
        if (phase == Phase.CRIC_PROBE) {
            return "zeroed by a CRIC probe, restored from its snapshot at the next step";
        }
        if (phase == Phase.CRIC_CYCLE) {
            return "shrunk to zero by a CRIC corrective cycle, restored from its snapshot when the"
                    + " next cycle starts or at the vote";
        }
        return "redundant, projected to zero, and pruned only when its projection ends";
    }

    private static Set<Integer> set(int[] channels) {
        Set<Integer> set = new TreeSet<>();
        for (int c : channels) {
            set.add(c);
        }
        return set;
    }

    private static String describe(Map<String, int[]> channels) {
        List<String> parts = new ArrayList<>();
        channels.forEach(
                (group, c) ->
                        parts.add("node group '" + group + "' channels " + Arrays.toString(c)));
        return String.join(", ", parts);
    }
}
