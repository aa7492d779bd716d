package ai.hesso.djl.discovery;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.norm.LayerNorm;
import java.util.List;
import java.util.Optional;

/**
 * {@link LayerNorm}: its mean and variance mix every channel of the normalised axes, so a zeroed
 * input channel changes the other channels: the producers feeding it stay unprunable. Gamma and
 * beta are coupled with those producers (the compact layer norm has the input's width). When the
 * normalised axes cannot be read the block is unsupported (the handler does not guess them).
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
        Optional<Object> read = Reflect.field(block, LayerNorm.class, "axis");
        if (read.isEmpty() || !(read.get() instanceof int[] axes) || axes.length == 0) {
            return ctx.unsupported(
                    block,
                    path,
                    inputs,
                    "cannot read the normalised axes (LayerNorm's field 'axis')",
                    true);
        }
        Trace in = inputs.get(0);
        int rank = in.shape().dimension();
        String why =
                "normalised by layer norm "
                        + path
                        + ": its mean and variance mix every channel, so no channel can be"
                        + " removed without changing the others";
        Shape out = block.getOutputShapes(new Shape[] {in.shape()})[0];
        int axis = axes[0] < 0 ? axes[0] + rank : axes[0];
        if (axes.length == 1) {
            in = ctx.relayout(in, axis, path);
            ctx.blockAll(in, why);
            if (in.singleProducer()) {
                int node = in.segments().get(0).node();
                ctx.member(node, block, path, "gamma");
                ctx.member(node, block, path, "beta");
                return List.of(in.withShape(out));
            }
        } else {
            ctx.blockAll(in, why);
        }
        Trace result = ctx.produce(block, path, out, axis, List.of("gamma", "beta"));
        ctx.blockAll(result, why);
        return List.of(result);
    }
}
