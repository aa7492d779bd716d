package ai.hesso.djl.discovery;

import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The ordered table of layer handlers; the first that supports a block traces it. */
final class HandlerRegistry {

    private final List<LayerHandler> handlers;

    private HandlerRegistry(List<LayerHandler> handlers) {
        this.handlers = List.copyOf(handlers);
    }

    /**
     * The user's handlers first, then the built-in ones: containers, dense and convolutional
     * layers, norms, dropout, probed lambdas, and DJL's attention and transformer encoder blocks.
     *
     * @param user the user's handlers, in the order they are asked
     * @return the registry
     */
    static HandlerRegistry withDefaults(List<LayerHandler> user) {
        List<LayerHandler> all = new ArrayList<>(user);
        all.addAll(
                List.of(
                        new SequentialHandler(),
                        new ParallelHandler(),
                        new LinearHandler(),
                        new ConvolutionHandler(),
                        new BatchNormHandler(),
                        new LayerNormHandler(),
                        new DropoutHandler(),
                        new LambdaHandler(),
                        new AttentionHandler(),
                        new TransformerEncoderHandler()));
        return new HandlerRegistry(all);
    }

    /**
     * Finds the handler for a block.
     *
     * @param block the block
     * @return the first handler that supports it, or empty
     */
    Optional<LayerHandler> find(Block block) {
        return handlers.stream().filter(h -> h.supports(block)).findFirst();
    }
}
