package ai.hesso.djl.layers;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.util.Pair;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.Probes;
import ai.hesso.djl.discovery.Trace;
import ai.hesso.djl.export.ExportContext;
import ai.hesso.djl.export.FunctionCatalogue;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@link ParallelBlock}: traces every branch on the same input, then identifies the join by probing
 * it.
 *
 * <ul>
 *   <li>a sum join ({@code g(a + b + ...)} with {@code g} channel-wise, e.g. ResNet's {@code relu(a
 *       + b)}): the channels of every branch end (and of an identity shortcut, the input's
 *       producer) are coupled into one node group;
 *   <li>a concatenation on the channel axis: the output's channels are the branches' channels at
 *       their offsets;
 *   <li>anything else is unsupported.
 * </ul>
 *
 * <p>Cost: every branch on the same inputs; the join itself (an add, a concatenation) is not
 * counted. Rebuild: the same join over the rebuilt branches. A container, with no width or MACs of
 * its own (see {@link SequentialSupport}).
 */
final class ParallelSupport implements LayerSupport<ParallelBlock> {

    /** {@inheritDoc} */
    @Override
    public Class<ParallelBlock> blockType() {
        return ParallelBlock.class;
    }

    /** {@inheritDoc} */
    @Override
    @SuppressWarnings("unchecked")
    public List<Trace> trace(
            ParallelBlock block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        List<Trace> ends = new ArrayList<>();
        boolean singleOutputs = true;
        for (Pair<String, Block> child : block.getChildren()) {
            List<Trace> out =
                    ctx.visit(
                            child.getValue(),
                            DiscoveryContext.paramPath(path, child.getKey()),
                            inputs);
            singleOutputs &= out.size() == 1;
            ends.addAll(out);
        }
        Function<List<NDList>, NDList> join =
                (Function<List<NDList>, NDList>)
                        Settings.find(block, ParallelBlock.class, "function").orElse(null);
        Shape[] outs =
                block.getOutputShapes(inputs.stream().map(Trace::shape).toArray(Shape[]::new));
        if (join == null || !singleOutputs || outs.length != 1 || ends.isEmpty()) {
            return ctx.unsupported(block, path, ends, "join of unknown form", false);
        }
        Shape out = outs[0];
        List<Shape> shapes = ends.stream().map(Trace::shape).toList();
        if (ends.size() >= 2
                && shapes.stream().allMatch(s -> s.equals(out))
                && ctx.probes().isSumJoin(join, out, ends.size())) {
            return List.of(sum(block, path, ends, join, out, ctx));
        }
        int axis = ctx.probes().concatAxis(join, shapes, out);
        if (axis >= 0) {
            List<Trace> parts = new ArrayList<>();
            for (int i = 0; i < ends.size(); i++) {
                Trace t = ends.get(i);
                if (t.channelAxis() == axis) {
                    // the join must still work when this branch loses channels
                    long others = out.get(axis) - t.shape().get(axis);
                    ctx.blockFixedWidth(
                            t, path, ctx.probes().onBranch(join, shapes, i), out, axis, 1, others);
                }
                parts.add(ctx.relayout(t, axis, path));
            }
            return List.of(Trace.concat(parts, out, axis));
        }
        return ctx.unsupported(
                block, path, ends, "join is neither a sum nor a concatenation", false);
    }

    private static Trace sum(
            Block block,
            String path,
            List<Trace> ends,
            Function<List<NDList>, NDList> join,
            Shape out,
            DiscoveryContext ctx) {
        Trace first = ends.get(0);
        int axis = first.channelAxis();
        Probes.Verdict verdict =
                ctx.probes().channelwise(ctx.probes().sumOnFirst(join, ends.size()), out, axis);
        if (verdict == Probes.Verdict.NOT_CHANNELWISE) {
            return ctx.unsupported(block, path, ends, "sum join mixes channels", false).get(0);
        }
        Trace lead = ctx.sum(path, ends, out);
        ctx.blockFixedWidth(lead, path, ctx.probes().sumOnFirst(join, ends.size()), out, axis, 1);
        if (verdict == Probes.Verdict.NOT_ZERO_PRESERVING) {
            ctx.blockAll(lead, "the join of " + path + " maps a zero sum to a non-zero output");
        }
        return lead;
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] cost(ParallelBlock block, String path, Shape[] inputs, CostContext ctx) {
        for (Pair<String, Block> child : block.getChildren()) {
            ctx.visit(child.getValue(), DiscoveryContext.paramPath(path, child.getKey()), inputs);
        }
        return block.getOutputShapes(inputs);
    }

    /** {@inheritDoc} */
    @Override
    @SuppressWarnings("unchecked")
    public ParallelBlock rebuild(ParallelBlock block, String path, RebuildContext ctx) {
        Function<List<NDList>, NDList> join =
                ctx.setting(block, ParallelBlock.class, "function", Function.class, path);
        return ctx.keepChildNames(new ParallelBlock(join, ctx.children(block, path)), block, path);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Every branch on the same inputs, then the join as the {@link FunctionCatalogue} identifies
     * it (a concatenation, or a sum and an activation).
     */
    @Override
    @SuppressWarnings("unchecked")
    public List<String> export(
            ParallelBlock block, String path, List<String> inputs, ExportContext ctx) {
        List<String> ends = new ArrayList<>();
        for (Pair<String, Block> child : block.getChildren()) {
            String childPath = DiscoveryContext.paramPath(path, child.getKey());
            List<String> out = ctx.visit(child.getValue(), childPath, inputs);
            if (out.size() != 1) {
                throw ctx.refuse(
                        block,
                        path,
                        "its branch " + childPath + " gives " + out.size() + " outputs");
            }
            ends.add(out.get(0));
        }
        Function<List<NDList>, NDList> join =
                (Function<List<NDList>, NDList>)
                        Settings.find(block, ParallelBlock.class, "function").orElse(null);
        Shape[] outs = block.getOutputShapes(inputs.stream().map(ctx::shape).toArray(Shape[]::new));
        if (join == null || outs.length != 1 || ends.isEmpty()) {
            throw ctx.refuse(
                    block,
                    path,
                    "its join cannot be read (private field 'function') or gives "
                            + outs.length
                            + " outputs");
        }
        List<Shape> shapes = ends.stream().map(ctx::shape).toList();
        FunctionCatalogue.Known known =
                ctx.functions().identifyJoin(block, path, join, shapes, outs[0]);
        return List.of(known.emit(ctx, ends, path));
    }
}
