package ai.hesso.djl.discovery;

import ai.djl.nn.Block;
import ai.djl.nn.norm.Dropout;
import java.util.List;

/**
 * {@link Dropout}: the identity at inference and a channel-wise mask in training; it maps zero to
 * zero, so its input's channels pass through unchanged.
 */
final class DropoutHandler implements LayerHandler {

    /** {@inheritDoc} */
    @Override
    public boolean supports(Block block) {
        return block.getClass() == Dropout.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(Block block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        return inputs;
    }
}
