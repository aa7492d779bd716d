package ai.hesso.examples.demo;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.MemberShapes;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.ParameterSlice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a trained block's parameter arrays and counts what structured pruning would remove: per
 * node group the channels that are exactly zero, and the trainable parameters left once those
 * channels and the consumers' matching input slices are cut out.
 *
 * <p>Channel {@code c} of a node group is zero when row {@code c} (along the member's channel axis)
 * of every member tensor holds only {@code 0.0}. Such a channel outputs exactly zero after its
 * batch norm, so the next layer's input slice for it multiplies zeros and can go too.
 */
public final class ChannelCensus {

    /**
     * The zero channels of one node group.
     *
     * @param name the group's name
     * @param channels the group's channel count
     * @param zero for each channel, whether it is exactly zero in every member
     */
    public record GroupCensus(String name, int channels, boolean[] zero) {

        /**
         * Copies the mask.
         *
         * @param name the name
         * @param channels the channel count
         * @param zero the mask, one entry per channel
         */
        public GroupCensus {
            zero = zero.clone();
            if (zero.length != channels) {
                throw new IllegalArgumentException(
                        "group '" + name + "' has " + channels + " channels, mask " + zero.length);
            }
        }

        /**
         * Returns the number of exactly-zero channels.
         *
         * @return the count
         */
        public int zeroChannels() {
            int n = 0;
            for (boolean z : zero) {
                n += z ? 1 : 0;
            }
            return n;
        }
    }

    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, float[]> values = new HashMap<>();

    /**
     * Reads the block's parameters (lazily, once each).
     *
     * @param block an initialized block
     */
    public ChannelCensus(Block block) {
        for (Pair<String, Parameter> pair : block.getParameters()) {
            parameters.put(pair.getKey(), pair.getValue());
        }
    }

    /**
     * Counts the exactly-zero channels of each group.
     *
     * @param groups node groups of the block
     * @return one census per group, in order
     * @throws IllegalArgumentException when a member tensor does not fit its group (see {@link
     *     MemberShapes#check})
     */
    public List<GroupCensus> census(List<NodeGroup> groups) {
        List<GroupCensus> result = new ArrayList<>();
        for (NodeGroup group : groups) {
            boolean[] zero = new boolean[group.channels()];
            Arrays.fill(zero, true);
            for (GroupMember member : group.members()) {
                Shape shape = parameter(member.tensor()).getArray().getShape();
                MemberShapes.check(group, member, shape.getShape());
                int axis = member.axis().index();
                long stride = stride(shape, axis);
                float[] v = values(member.tensor());
                for (int i = 0; i < v.length; i++) {
                    if (v[i] != 0f) {
                        zero[(int) ((i / stride) % group.channels())] = false;
                    }
                }
            }
            result.add(new GroupCensus(group.name(), group.channels(), zero));
        }
        return result;
    }

    /**
     * Counts the block's trainable parameters.
     *
     * @return the number of elements of the parameters that require gradients
     */
    public long trainableParameters() {
        long n = 0;
        for (Parameter p : parameters.values()) {
            if (p.requiresGradient()) {
                n += p.getArray().getShape().size();
            }
        }
        return n;
    }

    /**
     * Counts the trainable parameters left after removing each group's zero channels: the members'
     * rows and the consumers' input slices. Axes are cut independently, so a convolution losing
     * out-channels to its own group and in-channels to its producer's keeps {@code kept_out x
     * kept_in x kh x kw}.
     *
     * @param report the discovery report that names the consumers
     * @param census the zero channels, by group name (groups not listed keep everything)
     * @return the trainable parameters of the compact network
     */
    public long compactTrainableParameters(DiscoveryReport report, List<GroupCensus> census) {
        Map<String, boolean[]> zeroByGroup = new HashMap<>();
        for (GroupCensus c : census) {
            zeroByGroup.put(c.name(), c.zero());
        }
        Map<String, boolean[][]> removed = new HashMap<>();
        for (DiscoveredGroup g : report.groups()) {
            boolean[] zero = zeroByGroup.get(g.name());
            if (zero == null) {
                continue;
            }
            for (GroupMember m : g.group().members()) {
                for (int c = 0; c < zero.length; c++) {
                    if (zero[c]) {
                        axisMask(removed, m.tensor(), m.axis().index())[c] = true;
                    }
                }
            }
            for (ParameterSlice s : g.consumers()) {
                boolean[] mask = axisMask(removed, s.parameter(), s.axis());
                for (int c = 0; c < zero.length; c++) {
                    if (zero[c]) {
                        for (long k = s.start(c); k < s.end(c); k++) {
                            mask[(int) k] = true;
                        }
                    }
                }
            }
        }
        long n = 0;
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            if (!e.getValue().requiresGradient()) {
                continue;
            }
            Shape shape = e.getValue().getArray().getShape();
            boolean[][] masks = removed.get(e.getKey());
            long kept = 1;
            for (int axis = 0; axis < shape.dimension(); axis++) {
                long dim = shape.get(axis);
                if (masks != null && masks[axis] != null) {
                    for (boolean r : masks[axis]) {
                        dim -= r ? 1 : 0;
                    }
                }
                kept *= dim;
            }
            n += kept;
        }
        return n;
    }

    private boolean[] axisMask(Map<String, boolean[][]> removed, String tensor, int axis) {
        Shape shape = parameter(tensor).getArray().getShape();
        boolean[][] masks = removed.computeIfAbsent(tensor, k -> new boolean[shape.dimension()][]);
        if (masks[axis] == null) {
            masks[axis] = new boolean[Math.toIntExact(shape.get(axis))];
        }
        return masks[axis];
    }

    private Parameter parameter(String name) {
        Parameter p = parameters.get(name);
        if (p == null) {
            throw new IllegalArgumentException(
                    "no parameter '" + name + "' in the block; it has " + parameters.keySet());
        }
        return p;
    }

    private float[] values(String name) {
        return values.computeIfAbsent(name, n -> parameter(n).getArray().toFloatArray());
    }

    private static long stride(Shape shape, int axis) {
        long stride = 1;
        for (int a = axis + 1; a < shape.dimension(); a++) {
            stride *= shape.get(a);
        }
        return stride;
    }
}
