package ai.hesso.djl.discovery;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import java.util.List;

/**
 * {@link Linear}: reads its input's channels on the last axis (weight columns, axis 1) and makes a
 * new producer whose channels are its units (weight rows and bias).
 */
final class LinearHandler implements LayerHandler {

    /** {@inheritDoc} */
    @Override
    public boolean supports(Block block) {
        return block.getClass() == Linear.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(Block block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        if (inputs.size() != 1) {
            return ctx.unsupported(block, path, inputs, "expects one input", true);
        }
        Trace in = inputs.get(0);
        in = ctx.relayout(in, in.shape().dimension() - 1, path);
        ctx.consume(in, path, "weight", 1);
        Shape out = block.getOutputShapes(new Shape[] {in.shape()})[0];
        return List.of(
                ctx.produce(block, path, out, out.dimension() - 1, List.of("weight", "bias")));
    }
}
