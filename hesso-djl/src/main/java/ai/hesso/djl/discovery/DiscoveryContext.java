package ai.hesso.djl.discovery;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.hesso.core.group.GroupMember;
import ai.hesso.djl.layers.LayerRegistry;
import ai.hesso.djl.layers.LayerSupport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The state of one discovery run, handed to every {@link LayerSupport#trace}: what a layer's
 * support may record about its block.
 *
 * <ul>
 *   <li>{@link #visit} traces a child block (for containers);
 *   <li>{@link #consume} records that a parameter reads the input's channels (an input slice that
 *       compaction cuts);
 *   <li>{@link #produce} makes new channels whose rows are the block's parameters (a linear or
 *       convolution layer);
 *   <li>{@link #follow} adds the block's parameters to the channels of its input (a channel-wise
 *       layer such as a batch norm);
 *   <li>{@link #produceRuns} makes new channels that own several rows each (an attention head's
 *       rows of its projections);
 *   <li>{@link #probes} identifies a block known only as a function (a lambda, a join);
 *   <li>{@link #blockAll}, {@link #unsupported} and {@link #opaque} leave channels unprunable with
 *       a reason; {@link #relayout} moves the channels to the axis the block reads.
 * </ul>
 *
 * <p>Only {@link GroupDiscovery} creates contexts.
 */
public final class DiscoveryContext {

    final ChannelGraph graph = new ChannelGraph();
    final Probes probes;
    private final LayerRegistry registry;
    private final boolean strict;
    private final List<Finding> findings = new ArrayList<>();
    private final Set<String> claimed = new LinkedHashSet<>();
    private final Set<String> reported = new LinkedHashSet<>();
    private final Map<String, Trace> relayouts = new HashMap<>();

    DiscoveryContext(LayerRegistry registry, Probes probes, boolean strict) {
        this.registry = registry;
        this.probes = probes;
        this.strict = strict;
    }

    /**
     * Traces a block with its layer support, or as unsupported when the registry has none for its
     * class.
     *
     * @param block the block
     * @param path its path: the parent's path and the child's name joined by {@link #paramPath}
     * @param inputs the traced inputs
     * @return the traced outputs
     */
    public List<Trace> visit(Block block, String path, List<Trace> inputs) {
        return registry.find(block)
                .map(s -> LayerRegistry.traceWith(s, block, path, inputs, this))
                .orElseGet(
                        () ->
                                unsupported(
                                        block,
                                        path,
                                        inputs,
                                        "no layer support for "
                                                + block.getClass().getName()
                                                + registry.refusal(block)
                                                        .map(r -> ": " + r)
                                                        .orElse(""),
                                        true));
    }

    /**
     * Handles a block no layer support can prove safe: throws in strict mode; otherwise blocks the
     * producers of {@code consumed}, reports the block (and, if asked, its trainable parameters)
     * and returns fresh unprunable outputs.
     *
     * @param block the block
     * @param path its path
     * @param consumed the traces whose producers the block reads
     * @param why what was not proven
     * @param reportParameters whether the block's parameters are in no group and must be reported
     * @return opaque outputs
     * @throws UnsupportedBlockException in strict discovery
     */
    public List<Trace> unsupported(
            Block block, String path, List<Trace> consumed, String why, boolean reportParameters) {
        String where = displayPath(path) + " (" + block.getClass().getSimpleName() + ")";
        if (strict) {
            throw new UnsupportedBlockException(
                    path, "block " + where + " is not supported: " + why + " (strict discovery)");
        }
        findings.add(
                new Finding(
                        displayPath(path),
                        block.getClass().getSimpleName()
                                + " not supported ("
                                + why
                                + "): its inputs and parameters stay unprunable"));
        for (Trace t : consumed) {
            blockAll(t, "consumed by unsupported block " + where);
        }
        if (reportParameters) {
            for (Pair<String, Parameter> p : block.getParameters()) {
                String name = paramPath(path, p.getKey());
                if (p.getValue().requiresGradient() && reported.add(name)) {
                    findings.add(
                            new Finding(
                                    name,
                                    "parameter of unsupported block " + where + ": no group"));
                }
            }
        }
        Shape[] shapes = shapes(consumed);
        Shape[] outs;
        try {
            outs = block.getOutputShapes(shapes);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot even compute the output shapes of block " + where, e);
        }
        List<Trace> result = new ArrayList<>();
        for (Shape out : outs) {
            result.add(opaque(path, out, "produced by unsupported block " + where));
        }
        return result;
    }

    /**
     * A fresh, blocked, memberless producer for a value nothing is known about.
     *
     * @param path the producing block's path
     * @param shape the value's shape
     * @param reason why it is blocked
     * @return the trace
     */
    public Trace opaque(String path, Shape shape, String reason) {
        int axis = shape.dimension() >= 2 ? 1 : Math.max(0, shape.dimension() - 1);
        long channels = shape.dimension() == 0 ? 1 : shape.get(axis);
        int node = graph.newNode(displayPath(path), Math.max(1, channels));
        graph.block(node, reason);
        return new Trace(List.of(new Segment(node, Math.max(1, channels), 1)), shape, axis);
    }

    /**
     * Blocks every producer of a trace.
     *
     * @param trace the trace
     * @param reason why, shown in the report
     */
    public void blockAll(Trace trace, String reason) {
        for (Segment s : trace.segments()) {
            graph.block(s.node(), reason);
        }
    }

    /**
     * Returns the trace with its channels on {@code axis}. When they lie elsewhere, the old
     * producers are blocked (the reader mixes their channels) and a memoised stand-in producer
     * inherits their reasons.
     *
     * @param trace the trace
     * @param axis the axis the reader treats as channels
     * @param reader the reading block's path
     * @return a trace with {@code channelAxis == axis}
     */
    public Trace relayout(Trace trace, int axis, String reader) {
        if (trace.channelAxis() == axis) {
            return trace;
        }
        String key = trace.segments() + "@" + axis;
        Trace memo = relayouts.get(key);
        if (memo != null) {
            return memo.withShape(trace.shape());
        }
        Set<String> inherited = new LinkedHashSet<>();
        for (Segment s : trace.segments()) {
            inherited.addAll(graph.root(s.node()).reasons);
        }
        blockAll(
                trace,
                "channels on axis "
                        + trace.channelAxis()
                        + " are read along axis "
                        + axis
                        + " by "
                        + displayPath(reader));
        int node = graph.newNode(displayPath(reader), trace.shape().get(axis));
        if (inherited.isEmpty()) {
            graph.block(node, "re-laid-out value read by " + displayPath(reader));
        }
        inherited.forEach(r -> graph.block(node, r));
        Trace result = Trace.of(node, trace.shape(), axis);
        relayouts.put(key, result);
        return result;
    }

    /**
     * Blocks the producers of {@code in} when {@code f} (a lambda, a join) only works at the traced
     * width: removing any of their channels would build a model that fails ({@link
     * Probes#fixedWidth}).
     *
     * @param in the input whose channels {@code f} reads
     * @param path the path of the block that applies {@code f}, for the reason
     * @param f the function of the input
     * @param out {@code f}'s output shape at the traced width
     * @param outAxis the output axis that holds the channels
     * @param outPerChannel output indices per input channel on that axis
     */
    public void blockFixedWidth(
            Trace in,
            String path,
            UnaryOperator<NDArray> f,
            Shape out,
            int outAxis,
            long outPerChannel) {
        blockFixedWidth(in, path, f, out, outAxis, outPerChannel, 0);
    }

    /**
     * Blocks the producers of {@code in} when {@code f} only works at the traced width, where
     * {@code f}'s output also holds {@code outOffset} indices on {@code outAxis} that do not come
     * from {@code in}: one branch of a concatenation, the others held fixed ({@link
     * Probes#onBranch}).
     *
     * @param in the input whose channels {@code f} reads
     * @param path the path of the block that applies {@code f}, for the reason
     * @param f the function of the input
     * @param out {@code f}'s output shape at the traced width
     * @param outAxis the output axis that holds the channels
     * @param outPerChannel output indices per input channel on that axis
     * @param outOffset output indices on that axis from elsewhere (0 for a lambda)
     */
    public void blockFixedWidth(
            Trace in,
            String path,
            UnaryOperator<NDArray> f,
            Shape out,
            int outAxis,
            long outPerChannel,
            long outOffset) {
        String why =
                probes.fixedWidth(
                        f, in.shape(), in.channelAxis(), out, outAxis, outPerChannel, outOffset);
        if (why != null) {
            blockAll(
                    in,
                    displayPath(path)
                            + " fixes the width at "
                            + in.shape().get(in.channelAxis())
                            + " channels: "
                            + why);
        }
    }

    /**
     * Couples the channels of values that are added element by element (a residual connection
     * {@code y = a + b}): channel {@code c} of every term must be removed together, so their
     * producers join one node group. When the terms' channel runs do not line up (one term is a
     * concatenation the other is not), every term's producers are blocked instead.
     *
     * @param path the path of the block that adds them, for reasons
     * @param terms the added values, at least one, of the same shape
     * @param out the shape of the sum
     * @return the sum's trace, its channels on the first term's axis
     */
    public Trace sum(String path, List<Trace> terms, Shape out) {
        Trace first = terms.get(0);
        int axis = first.channelAxis();
        List<Trace> aligned = new ArrayList<>();
        for (Trace t : terms) {
            aligned.add(relayout(t, axis, path));
        }
        if (!sameRuns(aligned)) {
            for (Trace t : aligned) {
                blockAll(
                        t,
                        "summed by "
                                + displayPath(path)
                                + " with terms whose channel runs do not align");
            }
            return first.withShape(out);
        }
        Trace lead = aligned.get(0);
        for (Trace t : aligned.subList(1, aligned.size())) {
            for (int i = 0; i < t.segments().size(); i++) {
                graph.union(lead.segments().get(i).node(), t.segments().get(i).node());
            }
        }
        return lead.withShape(out);
    }

    private static boolean sameRuns(List<Trace> traces) {
        List<Segment> ref = traces.get(0).segments();
        for (Trace t : traces) {
            if (t.segments().size() != ref.size()) {
                return false;
            }
            for (int i = 0; i < ref.size(); i++) {
                Segment a = ref.get(i);
                Segment b = t.segments().get(i);
                if (a.channels() != b.channels()
                        || a.columnsPerChannel() != b.columnsPerChannel()) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Records that a parameter of a block reads the trace's channels on {@code axis}: index {@code
     * i} of that axis sees index {@code i} of the trace's channel axis (a linear layer's weight
     * columns, a convolution's input channels).
     *
     * @param trace the consumed trace, its channels on the axis the block reads
     * @param path the consuming block's path
     * @param name the parameter's name, e.g. {@code weight}
     * @param axis the parameter axis the channels map to
     */
    public void consume(Trace trace, String path, String name, int axis) {
        String param = paramPath(path, name);
        long offset = 0;
        for (Segment s : trace.segments()) {
            graph.addConsumer(
                    s.node(), new ParameterSlice(param, axis, offset, s.columnsPerChannel()), path);
            offset += s.width();
        }
    }

    /**
     * Makes new channels: a producer whose channels lie on {@code channelAxis} of {@code out} and
     * whose members are the rows (axis 0) of the named direct parameters of the block (those it
     * lacks, such as an absent bias, are skipped).
     *
     * @param block the producing block
     * @param path its path
     * @param out the output shape
     * @param channelAxis the output axis that holds the channels
     * @param members the names of the parameters whose row {@code c} belongs to channel {@code c}
     * @return the output trace
     */
    public Trace produce(
            Block block, String path, Shape out, int channelAxis, List<String> members) {
        int node = graph.newNode(displayPath(path), out.get(channelAxis));
        for (String name : members) {
            member(node, block, path, name);
        }
        return Trace.of(node, out, channelAxis);
    }

    /**
     * Adds a channel-wise block's parameters to the channels of its input: row {@code c} of each
     * member (and entry {@code c} of each companion) belongs to input channel {@code c}, and the
     * output carries the same channels. When the input's channels come from several producers or a
     * flatten ({@link Trace#singleProducer} is false), the input's producers and the new channels
     * are blocked with a reason instead.
     *
     * @param in the input, its channels on the axis the block works on
     * @param block the block
     * @param path its path
     * @param out the output shape, same channels on the same axis
     * @param members names of trainable parameters whose rows follow the channels (gamma, beta)
     * @param companions names of non-trainable parameters that follow them (running statistics)
     * @return the output trace
     */
    public Trace follow(
            Trace in,
            Block block,
            String path,
            Shape out,
            List<String> members,
            List<String> companions) {
        int node;
        Trace result;
        if (in.singleProducer()) {
            node = in.segments().get(0).node();
            result = in.withShape(out);
        } else {
            String why =
                    block.getClass().getSimpleName()
                            + " "
                            + displayPath(path)
                            + " spans channels of several producers";
            blockAll(in, why);
            node = graph.newNode(displayPath(path), in.shape().get(in.channelAxis()));
            graph.block(node, why);
            result = Trace.of(node, out, in.channelAxis());
        }
        for (String name : members) {
            member(node, block, path, name);
        }
        for (String name : companions) {
            companion(node, block, path, name);
        }
        return result;
    }

    /**
     * Makes a direct parameter of a block a member (rows on axis 0) of a node, if the block has it.
     *
     * <p>A parameter that is not trainable (frozen with {@code freezeParameters(true)}, or a batch
     * norm's gamma or beta built with {@code optScale(false)} or {@code optCenter(false)}) cannot
     * be a member: HESSO never updates it, so it cannot zero its rows. It is carried as a companion
     * instead (sliced with the channels at compaction). When it is exactly zero everywhere it stays
     * zero, so the channels remain zero-invariant (a batch norm's absent shift); otherwise a
     * removed channel would still carry its values, and the node is blocked with that reason.
     *
     * @param node the node id
     * @param block the block
     * @param path the block's path
     * @param name the parameter's name, e.g. {@code weight}
     */
    void member(int node, Block block, String path, String name) {
        member(node, block, path, name, 1);
    }

    /**
     * Makes a direct parameter of a block a member of a node whose channels own {@code
     * rowsPerChannel} consecutive rows each (an attention head's rows of a projection), as {@link
     * #member(int, Block, String, String)} does for one row per channel.
     *
     * @param node the node id
     * @param block the block
     * @param path the block's path
     * @param name the parameter's name
     * @param rowsPerChannel rows per channel, at least 1
     */
    void member(int node, Block block, String path, String name, int rowsPerChannel) {
        if (!block.getDirectParameters().contains(name)) {
            return;
        }
        String full = paramPath(path, name);
        if (!claimed.add(full)) {
            throw new IllegalStateException(
                    "parameter " + full + " would join two node groups; discovery bug");
        }
        Parameter parameter = block.getDirectParameters().get(name);
        if (parameter.requiresGradient()) {
            graph.addMember(node, GroupMember.rowBlocks(full, rowsPerChannel), path);
            return;
        }
        graph.addCompanion(node, new ParameterSlice(full, 0, 0, rowsPerChannel), path);
        graph.addFrozen(node, full);
        if (!FrozenParameters.isAllZero(parameter)) {
            graph.block(
                    node,
                    "parameter "
                            + full
                            + " is not trainable (frozen, or a BatchNorm built with optScale(false)"
                            + " or optCenter(false)) and not zero: HESSO cannot zero its rows, so a"
                            + " removed channel would still carry them");
        }
    }

    /**
     * Makes a direct parameter of a block a companion (axis 0) of a node, if the block has it.
     *
     * @param node the node id
     * @param block the block
     * @param path the block's path
     * @param name the parameter's name
     */
    void companion(int node, Block block, String path, String name) {
        if (block.getDirectParameters().contains(name)) {
            graph.addCompanion(node, new ParameterSlice(paramPath(path, name), 0, 0, 1), path);
        }
    }

    /**
     * Returns the numerical probes of this run, to identify a block known only as a function.
     *
     * @return the probes, their arrays attached to the run's manager
     */
    public Probes probes() {
        return probes;
    }

    /**
     * Rows of a parameter that a new group's channels own: parameter {@code name} of {@code block}
     * (at path {@code path}), whose channel {@code c} owns rows {@code [c k, (c + 1) k)} on axis 0
     * with {@code k = rowsPerChannel}.
     *
     * @param block the block that owns the parameter directly
     * @param path that block's path
     * @param name the parameter's name, e.g. {@code weight}; skipped when the block lacks it
     * @param rowsPerChannel rows per channel, at least 1
     */
    public record MemberRows(Block block, String path, String name, int rowsPerChannel) {

        /**
         * Validates the rows.
         *
         * @param block the block, not null
         * @param path its path, not null
         * @param name the parameter name, not null
         * @param rowsPerChannel rows per channel, at least 1
         */
        public MemberRows {
            java.util.Objects.requireNonNull(block, "block");
            java.util.Objects.requireNonNull(path, "path");
            java.util.Objects.requireNonNull(name, "name");
            if (rowsPerChannel < 1) {
                throw new IllegalArgumentException(
                        "parameter "
                                + name
                                + " of "
                                + displayPath(path)
                                + " needs rowsPerChannel >= 1, got "
                                + rowsPerChannel);
            }
        }
    }

    /**
     * Makes {@code channels} new channels whose members own runs of rows (an attention block's
     * heads: {@code H} rows of each query, key and value projection per head). The output holds the
     * channels side by side on {@code channelAxis}, each covering {@code out.get(channelAxis) /
     * channels} consecutive indices there.
     *
     * @param groupName the node group's name, or null to name it after its first member's block
     * @param out the output shape
     * @param channelAxis the output axis that holds the channels
     * @param channels the number of channels, dividing {@code out.get(channelAxis)}
     * @param members the rows each channel owns
     * @return the output trace
     * @throws IllegalArgumentException when {@code channels} does not divide the output's width
     */
    public Trace produceRuns(
            String groupName, Shape out, int channelAxis, long channels, List<MemberRows> members) {
        long width = out.get(channelAxis);
        if (channels < 1 || width % channels != 0) {
            throw new IllegalArgumentException(
                    channels + " channels do not divide the output width " + width + " of " + out);
        }
        String label = groupName != null ? groupName : displayPath(members.get(0).path());
        int node = graph.newNode(label, channels);
        if (groupName != null) {
            graph.nameGroup(node, groupName);
        }
        for (MemberRows m : members) {
            member(node, m.block(), m.path(), m.name(), m.rowsPerChannel());
        }
        return new Trace(List.of(new Segment(node, channels, width / channels)), out, channelAxis);
    }

    /**
     * Returns the findings so far.
     *
     * @return the mutable list of findings
     */
    List<Finding> findings() {
        return findings;
    }

    /**
     * Returns the parameter paths that are in a group.
     *
     * @return the claimed parameter paths
     */
    Set<String> claimed() {
        return claimed;
    }

    /**
     * Returns the parameter paths reported as in no group.
     *
     * @return the reported parameter paths
     */
    Set<String> reported() {
        return reported;
    }

    static Shape[] shapes(List<Trace> traces) {
        return traces.stream().map(Trace::shape).toArray(Shape[]::new);
    }

    /**
     * Joins a block path and a parameter or child name as DJL does.
     *
     * @param blockPath the block's path, empty for the root
     * @param name the parameter's or child's name
     * @return {@code name} for the root, else {@code blockPath + "_" + name}
     */
    public static String paramPath(String blockPath, String name) {
        return blockPath.isEmpty() ? name : blockPath + "_" + name;
    }

    /**
     * Names a block path in messages: the path, or {@code <root>} for the root block.
     *
     * @param path the block's path, empty for the root
     * @return the name to show
     */
    public static String displayPath(String path) {
        return path.isEmpty() ? "<root>" : path;
    }
}
