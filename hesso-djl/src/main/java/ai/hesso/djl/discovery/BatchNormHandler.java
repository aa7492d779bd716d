package ai.hesso.djl.discovery;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.norm.BatchNorm;
import java.util.List;

/**
 * {@link BatchNorm}: normalises each channel on its own, so gamma and beta join the producer of its
 * input (zeroing them zeroes the output channel exactly) and the running mean and variance are
 * companions compaction must slice. A batch norm over several producers (after a concatenation) is
 * left unprunable.
 */
final class BatchNormHandler implements LayerHandler {

    /** {@inheritDoc} */
    @Override
    public boolean supports(Block block) {
        return block.getClass() == BatchNorm.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(Block block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        if (inputs.size() != 1) {
            return ctx.unsupported(block, path, inputs, "expects one input", true);
        }
        Trace in = inputs.get(0);
        int rank = in.shape().dimension();
        int axis = (Integer) Reflect.field(block, BatchNorm.class, "axis").orElse(1);
        axis = axis < 0 ? axis + rank : axis;
        in = ctx.relayout(in, axis, path);
        Shape out = block.getOutputShapes(new Shape[] {in.shape()})[0];
        int node;
        Trace result;
        if (in.segments().size() == 1 && in.segments().get(0).columnsPerChannel() == 1) {
            node = in.segments().get(0).node();
            result = in.withShape(out);
        } else {
            String why = "batch norm " + path + " spans channels of several producers";
            ctx.blockAll(in, why);
            node = ctx.graph.newNode(DiscoveryContext.display(path), in.shape().get(axis));
            ctx.graph.block(node, why);
            result = Trace.of(node, out, axis);
        }
        ctx.member(node, block, path, "gamma");
        ctx.member(node, block, path, "beta");
        ctx.companion(node, block, path, "runningMean");
        ctx.companion(node, block, path, "runningVar");
        return List.of(result);
    }
}
