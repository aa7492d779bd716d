package ai.hesso.djl.discovery;

import ai.djl.nn.Block;
import java.util.List;

/**
 * Traces one layer type for {@link GroupDiscovery}: records which producer channels the layer
 * consumes (its input slices), which of its parameters form or join node groups, and what its
 * output channels are.
 *
 * <p>One handler per layer type, in the spirit of Torch-Pruning's per-layer pruner table. Register
 * your own with {@link GroupDiscovery.Builder#optHandler}; user handlers are asked before the
 * built-in ones, in registration order, and the first whose {@link #supports} returns true traces
 * the block. A handler must not guess: whatever it cannot prove zero-invariant it blocks with a
 * reason ({@link DiscoveryContext#blockAll}) or hands to {@link DiscoveryContext#unsupported}.
 *
 * <p>A container traces its children with {@link DiscoveryContext#visit} (their paths joined by
 * {@link DiscoveryContext#paramPath}); a residual connection couples its terms with {@link
 * DiscoveryContext#sum}; a layer making new channels calls {@link DiscoveryContext#produce} after
 * recording what it reads with {@link DiscoveryContext#consume}. The project's {@code
 * docs/discovery.md} works through a custom residual block.
 *
 * <p>Example, a block that scales each channel (axis 1) by its own learned {@code scale}: zeroing a
 * channel's producer rows and its scale keeps the channel zero, so the scale follows the input's
 * channels:
 *
 * <pre>{@code
 * class ScaleHandler implements LayerHandler {
 *     public boolean supports(Block block) {
 *         return block instanceof Scale;
 *     }
 *
 *     public List<Trace> trace(Block block, String path, List<Trace> in, DiscoveryContext ctx) {
 *         Trace x = ctx.relayout(in.get(0), 1, path);
 *         return List.of(ctx.follow(x, block, path, x.shape(), List.of("scale"), List.of()));
 *     }
 * }
 * }</pre>
 */
public interface LayerHandler {

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
