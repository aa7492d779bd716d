package ai.hesso.djl.discovery;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.norm.LayerNorm;
import java.util.List;

/**
 * {@link LayerNorm}: its mean and variance mix every channel of the normalised axes, so a zeroed
 * input channel changes the other channels: the producers feeding it stay unprunable. Gamma and
 * beta are coupled with those producers (the compact layer norm has the input's width).
 */
final class LayerNormHandler implements LayerHandler {

    /** {@inheritDoc} */
    @Override
    public boolean supports(Block block) {
        return block.getClass() == LayerNorm.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(Block block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        if (inputs.size() != 1) {
            return ctx.unsupported(block, path, inputs, "expects one input", true);
        }
        Trace in = inputs.get(0);
        int rank = in.shape().dimension();
        int[] axes =
                (int[])
                        Reflect.field(block, LayerNorm.class, "axis")
                                .orElse(rank == 2 ? new int[] {1} : null);
        String why =
                "normalised by layer norm "
                        + path
                        + ": its mean and variance mix every channel, so no channel can be"
                        + " removed without changing the others";
        Shape out = block.getOutputShapes(new Shape[] {in.shape()})[0];
        if (axes != null && axes.length == 1) {
            in = ctx.relayout(in, axes[0] < 0 ? axes[0] + rank : axes[0], path);
            ctx.blockAll(in, why);
            if (in.segments().size() == 1 && in.segments().get(0).columnsPerChannel() == 1) {
                int node = in.segments().get(0).node();
                ctx.member(node, block, path, "gamma");
                ctx.member(node, block, path, "beta");
                return List.of(in.withShape(out));
            }
        } else {
            for (Trace t : inputs) {
                ctx.blockAll(t, why);
            }
        }
        int axis = axes != null ? (axes[0] < 0 ? axes[0] + rank : axes[0]) : 1;
        int node = ctx.graph.newNode(DiscoveryContext.display(path), out.get(axis));
        ctx.graph.block(node, why);
        ctx.member(node, block, path, "gamma");
        ctx.member(node, block, path, "beta");
        return List.of(Trace.of(node, out, axis));
    }
}
