package ai.hesso.djl.discovery;

import ai.djl.nn.Block;
import ai.djl.nn.transformer.TransformerEncoderBlock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DJL's {@link TransformerEncoderBlock}, traced as its forward pass runs it: {@code a =
 * attention(x)}, {@code n = attentionNorm(a + x)}, {@code f = feedForward(n)}, {@code y =
 * outputNorm(f + x)} (DJL adds the block's input, not {@code n}, before the second norm; the
 * dropouts have no parameters and keep channels).
 *
 * <p>So the attention heads form one node group ({@link AttentionHandler}), the feed-forward
 * block's hidden units another (a linear layer, its activation probed like any lambda, and the
 * linear layer reading them), and the embedding channels of {@code x}, of the attention's result
 * projection, of the feed-forward output and of both norms are coupled by the two residual sums
 * into the group of whatever produced {@code x}. The norms are batch norms over the embedding axis,
 * channel by channel, so that group stays prunable when its producer is. When the children cannot
 * be read the block is unsupported.
 */
final class TransformerEncoderHandler implements LayerHandler {

    /** {@inheritDoc} */
    @Override
    public boolean supports(Block block) {
        return block.getClass() == TransformerEncoderBlock.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(Block block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        if (inputs.isEmpty() || inputs.size() > 2) {
            return ctx.unsupported(block, path, inputs, "expects an input and a mask", true);
        }
        Optional<Object> attention = field(block, "selfAttentionBlock");
        Optional<Object> attentionNorm = field(block, "attentionNorm");
        Optional<Object> feedForward = field(block, "pointWisefullyConnected");
        Optional<Object> outputNorm = field(block, "outputNorm");
        Map<Block, String> paths = AttentionHandler.childPaths(block, path);
        for (Optional<Object> child : List.of(attention, attentionNorm, feedForward, outputNorm)) {
            if (child.isEmpty() || !paths.containsKey(child.get())) {
                return ctx.unsupported(
                        block,
                        path,
                        inputs,
                        "cannot read its children (private fields of TransformerEncoderBlock)",
                        true);
            }
        }
        Trace x = inputs.get(0);
        Trace a = visit(attention.get(), paths, inputs, ctx);
        Trace n =
                visit(
                        attentionNorm.get(),
                        paths,
                        List.of(ctx.sum(path, List.of(a, x), x.shape())),
                        ctx);
        Trace f = visit(feedForward.get(), paths, List.of(n), ctx);
        Trace y =
                visit(
                        outputNorm.get(),
                        paths,
                        List.of(ctx.sum(path, List.of(f, x), x.shape())),
                        ctx);
        return List.of(y);
    }

    private static Trace visit(
            Object child, Map<Block, String> paths, List<Trace> in, DiscoveryContext ctx) {
        Block b = (Block) child;
        List<Trace> out = ctx.visit(b, paths.get(b), in);
        if (out.size() != 1) {
            throw new IllegalStateException(
                    "child "
                            + paths.get(b)
                            + " of a transformer encoder gave "
                            + out.size()
                            + " outputs");
        }
        return out.get(0);
    }

    private static Optional<Object> field(Block block, String name) {
        return Reflect.field(block, TransformerEncoderBlock.class, name);
    }
}
