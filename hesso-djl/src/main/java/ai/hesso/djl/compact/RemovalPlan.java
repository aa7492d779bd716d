package ai.hesso.djl.compact;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.hesso.core.group.GroupMember;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.ParameterSlice;
import ai.hesso.djl.engine.ChannelRows;
import ai.hesso.djl.layers.RemovedIndices;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which indices every parameter loses on which axis: a removed channel {@code c} of a group takes
 * its rows of each member ({@link ChannelRows}: row {@code c}, or a run of rows for a head), entry
 * {@code c} of each companion and the indices {@code [start(c), end(c))} of each consumer slice (a
 * flatten makes that a run of columns).
 */
final class RemovalPlan {

    private final Map<String, Map<Integer, TreeSet<Long>>> removed;

    private RemovalPlan(Map<String, Map<Integer, TreeSet<Long>>> removed) {
        this.removed = removed;
    }

    /**
     * Builds the plan and checks it against the block's parameters.
     *
     * @param params the block's parameters
     * @param report the discovery report
     * @param selection the channels to remove
     * @return the plan
     * @throws IllegalArgumentException naming the group and parameter when a parameter is missing
     *     or an index falls outside it
     */
    static RemovalPlan of(
            ParameterList params, DiscoveryReport report, ChannelSelection selection) {
        Map<String, Map<Integer, TreeSet<Long>>> removed = new HashMap<>();
        for (DiscoveredGroup g : report.groups()) {
            int[] channels = selection.removed(g.name());
            if (channels.length == 0) {
                continue;
            }
            for (GroupMember m : g.group().members()) {
                for (int c : channels) {
                    add(
                            removed,
                            params,
                            g.name(),
                            m.tensor(),
                            m.axis().index(),
                            ChannelRows.start(m, c),
                            ChannelRows.end(m, c));
                }
            }
            for (ParameterSlice s : g.companions()) {
                for (int c : channels) {
                    add(removed, params, g.name(), s.parameter(), s.axis(), s.start(c), s.end(c));
                }
            }
            for (ParameterSlice s : g.consumers()) {
                for (int c : channels) {
                    add(removed, params, g.name(), s.parameter(), s.axis(), s.start(c), s.end(c));
                }
            }
        }
        return new RemovalPlan(removed);
    }

    private static void add(
            Map<String, Map<Integer, TreeSet<Long>>> removed,
            ParameterList params,
            String group,
            String parameter,
            int axis,
            long from,
            long to) {
        Parameter p = params.get(parameter);
        if (p == null || !p.isInitialized()) {
            throw new IllegalArgumentException(
                    "node group '"
                            + group
                            + "' names parameter '"
                            + parameter
                            + "', which the block does not have (or has not initialized); was the"
                            + " report made for this block?");
        }
        Shape shape = p.getArray().getShape();
        if (axis >= shape.dimension() || to > shape.get(axis)) {
            throw new IllegalArgumentException(
                    "node group '"
                            + group
                            + "' cuts indices ["
                            + from
                            + ", "
                            + to
                            + ") on axis "
                            + axis
                            + " of parameter '"
                            + parameter
                            + "', whose shape is "
                            + shape);
        }
        TreeSet<Long> set =
                removed.computeIfAbsent(parameter, k -> new TreeMap<>())
                        .computeIfAbsent(axis, k -> new TreeSet<>());
        for (long i = from; i < to; i++) {
            set.add(i);
        }
    }

    /**
     * Returns the indices a parameter loses, per axis.
     *
     * @param parameter the parameter path
     * @return axis to sorted removed indices; empty when the parameter keeps its shape
     */
    Map<Integer, TreeSet<Long>> removedFrom(String parameter) {
        return Collections.unmodifiableMap(removed.getOrDefault(parameter, Map.of()));
    }

    /**
     * Returns how many indices a parameter loses on one axis.
     *
     * @param parameter the parameter path
     * @param axis the axis
     * @return the count, 0 when nothing is removed there
     */
    int removedCount(String parameter, int axis) {
        TreeSet<Long> set = removedFrom(parameter).get(axis);
        return set == null ? 0 : set.size();
    }

    /**
     * Returns the plan as the layer supports read it, with the shapes of the block's parameters.
     *
     * @param params the block's parameters
     * @return the removed indices
     */
    RemovedIndices indices(ParameterList params) {
        return new RemovedIndices() {
            @Override
            public int count(String parameter, int axis) {
                return removedCount(parameter, axis);
            }

            @Override
            public Shape shape(String parameter) {
                Parameter p = params.get(parameter);
                if (p == null || !p.isInitialized()) {
                    throw new IllegalArgumentException(
                            "the block has no initialized parameter '" + parameter + "'");
                }
                return p.getArray().getShape();
            }
        };
    }

    /**
     * Returns the shape a parameter has after compaction.
     *
     * @param parameter the parameter path
     * @param shape its shape before
     * @return the shape with the removed indices gone
     */
    Shape shapeAfter(String parameter, Shape shape) {
        // a copy: Shape.getShape() is the shape's own array (an NDArray's cached shape)
        long[] dims = shape.getShape().clone();
        for (Map.Entry<Integer, TreeSet<Long>> e : removedFrom(parameter).entrySet()) {
            dims[e.getKey()] -= e.getValue().size();
        }
        return new Shape(dims);
    }
}
