package ai.hesso.djl.discovery;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.transformer.PointwiseFeedForwardBlock;
import ai.djl.util.Pair;
import java.util.List;

/**
 * {@link SequentialBlock} and DJL's {@link PointwiseFeedForwardBlock} (a sequential block that only
 * adds its layers): traces the children in order, each one's outputs feeding the next. Other
 * subclasses may override the forward pass and are not assumed to be sequential.
 */
final class SequentialHandler implements LayerHandler {

    /** {@inheritDoc} */
    @Override
    public boolean supports(Block block) {
        return block.getClass() == SequentialBlock.class
                || block.getClass() == PointwiseFeedForwardBlock.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(Block block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        List<Trace> current = inputs;
        for (Pair<String, Block> child : block.getChildren()) {
            current =
                    ctx.visit(
                            child.getValue(),
                            DiscoveryContext.paramPath(path, child.getKey()),
                            current);
        }
        return current;
    }
}
