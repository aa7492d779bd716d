package ai.hesso.examples.bench.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.MemberShapes;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.djl.engine.ChannelRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Applies a removal to a block without changing its shapes: the member rows of every removed
 * channel are multiplied by exactly 0, and {@link #apply()} does it again after every optimizer
 * step so that they stay zero while the rest is fine-tuned. A channel's rows are those {@link
 * ChannelRows} gives (a run of rows per channel for an attention head).
 *
 * <p>Why this trains exactly the smaller network: a removed channel's rows are zero in every member
 * (weights, bias, batch norm gamma and beta), so its output is exactly zero whatever the input, the
 * forward pass equals the compact network's, and the gradients of the kept parameters are the
 * compact network's gradients. SGD (with momentum) and Adam update each scalar from its own
 * gradient and state only, so the kept parameters follow the compact network's trajectory; the
 * removed rows may receive gradient and optimizer state, but are reset to zero after each step and
 * never influence anything. The state of the optimizer is left alone: it is the optimizer's.
 *
 * <p>Call {@link #apply()} outside a gradient collector (after {@code trainer.step()}), where
 * in-place updates of parameters are allowed.
 */
public final class RemovalMasks implements AutoCloseable {

    private final NDManager manager;
    private final List<Masked> masked;
    private final Map<String, int[]> removed;

    /** One member tensor and its 0/1 multiplier, shaped to broadcast over it. */
    private record Masked(Parameter parameter, NDArray multiplier) {}

    private RemovalMasks(NDManager manager, List<Masked> masked, Map<String, int[]> removed) {
        this.manager = manager;
        this.masked = masked;
        this.removed = removed;
    }

    /**
     * Builds the multipliers for a removal.
     *
     * @param block the initialized block owning the member tensors
     * @param groups the node groups the removal refers to
     * @param removed group name to the local channel indices to remove (groups left out: none)
     * @return the masks; close them to free the multipliers
     * @throws IllegalArgumentException naming the group, tensor or channel that does not match
     */
    public static RemovalMasks of(Block block, List<NodeGroup> groups, Map<String, int[]> removed) {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(groups, "groups");
        Objects.requireNonNull(removed, "removed");
        Map<String, NodeGroup> byName = new LinkedHashMap<>();
        for (NodeGroup g : groups) {
            byName.put(g.name(), g);
        }
        Map<String, int[]> copy = new LinkedHashMap<>();
        List<Masked> masked = new ArrayList<>();
        NDManager manager = null;
        try {
            for (Map.Entry<String, int[]> e : removed.entrySet()) {
                NodeGroup g = byName.get(e.getKey());
                if (g == null) {
                    throw new IllegalArgumentException(
                            "removal names group '"
                                    + e.getKey()
                                    + "', which is not among "
                                    + byName.keySet());
                }
                int[] channels = e.getValue().clone();
                copy.put(g.name(), channels);
                if (channels.length == 0) {
                    continue;
                }
                float[] keep = new float[g.channels()];
                Arrays.fill(keep, 1f);
                for (int c : channels) {
                    if (c < 0 || c >= keep.length) {
                        throw new IllegalArgumentException(
                                "group '"
                                        + g.name()
                                        + "': channel "
                                        + c
                                        + " is out of [0, "
                                        + keep.length
                                        + ")");
                    }
                    keep[c] = 0f;
                }
                for (GroupMember m : g.members()) {
                    Parameter p = block.getParameters().get(m.tensor());
                    if (p == null || !p.isInitialized()) {
                        throw new IllegalArgumentException(
                                "group '"
                                        + g.name()
                                        + "' names parameter '"
                                        + m.tensor()
                                        + "', which the block does not have (or has not"
                                        + " initialized)");
                    }
                    NDArray x = p.getArray();
                    MemberShapes.check(g, m, x.getShape().getShape());
                    if (manager == null) {
                        manager = x.getManager().newSubManager(x.getDevice());
                    }
                    float[] perIndex = ChannelRows.perIndex(keep, m.rowsPerChannel());
                    NDArray multiplier =
                            manager.create(
                                            perIndex,
                                            ChannelRows.broadcastShape(
                                                    perIndex.length,
                                                    m.axis(),
                                                    x.getShape().dimension()))
                                    .toType(x.getDataType(), false);
                    masked.add(new Masked(p, multiplier));
                }
            }
        } catch (RuntimeException e) {
            if (manager != null) {
                manager.close();
            }
            throw e;
        }
        return new RemovalMasks(manager, List.copyOf(masked), copy);
    }

    /**
     * Multiplies every member row of a removed channel by 0, in place; other rows are unchanged
     * (multiplied by exactly 1).
     */
    public void apply() {
        for (Masked m : masked) {
            m.parameter().getArray().muli(m.multiplier());
        }
    }

    /**
     * Returns the removal these masks apply.
     *
     * @return group name to removed channel indices (a copy)
     */
    public Map<String, int[]> removed() {
        Map<String, int[]> out = new LinkedHashMap<>();
        removed.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }

    /**
     * Returns the number of removed channels.
     *
     * @return the total over all groups
     */
    public int count() {
        return removed.values().stream().mapToInt(a -> a.length).sum();
    }

    /** Frees the multipliers. */
    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }
}
