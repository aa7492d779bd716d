package ai.hesso.djl.discovery;

import ai.djl.nn.Block;
import java.util.List;

/**
 * Traces one DJL layer type: records which producer channels the layer consumes (its input slices),
 * which parameters form or join node groups, and what its output channels are.
 *
 * <p>One handler per layer type, in the spirit of Torch-Pruning's per-layer pruner table. A handler
 * must not guess: whatever it cannot prove zero-invariant it blocks with a reason (via {@link
 * DiscoveryContext#blockAll}) or hands to {@link DiscoveryContext#unsupported}.
 */
interface LayerHandler {

    /**
     * Whether this handler knows the block's type.
     *
     * @param block a block
     * @return true when {@link #trace} may be called with it
     */
    boolean supports(Block block);

    /**
     * Traces the block.
     *
     * @param block the block, {@link #supports} returned true
     * @param path the block's path (prefix of its parameter names), empty for the root
     * @param inputs the traced inputs
     * @param ctx the discovery state
     * @return the traced outputs
     */
    List<Trace> trace(Block block, String path, List<Trace> inputs, DiscoveryContext ctx);
}
