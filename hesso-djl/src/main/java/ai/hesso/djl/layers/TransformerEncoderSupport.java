package ai.hesso.djl.layers;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.transformer.PointwiseFeedForwardBlock;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.nn.transformer.TransformerEncoderBlock;
import ai.djl.util.Pair;
import ai.hesso.djl.compact.CompactionException;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * DJL's {@link TransformerEncoderBlock}, traced as its forward pass runs it: {@code a =
 * attention(x)}, {@code n = attentionNorm(a + x)}, {@code f = feedForward(n)}, {@code y =
 * outputNorm(f + x)} (DJL adds the block's input, not {@code n}, before the second norm; the
 * dropouts have no parameters and keep channels).
 *
 * <p>So the feed-forward block's hidden units form a node group (a linear layer, its activation
 * probed like any lambda, and the linear layer reading them), and the embedding channels of {@code
 * x}, of the attention's result projection, of the feed-forward output and of both norms are
 * coupled by the two residual sums into the group of whatever produced {@code x}. That group and
 * the attention heads stay unprunable: DJL's attention block cannot be rebuilt at other widths
 * ({@link AttentionSupport}). The hidden units can be removed: the block is rebuilt with its
 * constructor at the new hidden width, the embedding size, head count, dropout rate and activation
 * copied. When the children cannot be read the block is unsupported.
 *
 * <p>Cost: its children in the order they run (attention, attention norm, feed-forward, output
 * norm); the residual adds are not counted.
 */
final class TransformerEncoderSupport implements LayerSupport<TransformerEncoderBlock> {

    /** {@inheritDoc} */
    @Override
    public Class<TransformerEncoderBlock> blockType() {
        return TransformerEncoderBlock.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(
            TransformerEncoderBlock block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        if (inputs.isEmpty() || inputs.size() > 2) {
            return ctx.unsupported(block, path, inputs, "expects an input and a mask", true);
        }
        Optional<List<Block>> children = children(block, path);
        if (children.isEmpty()) {
            return ctx.unsupported(
                    block,
                    path,
                    inputs,
                    "cannot read its children (private fields of TransformerEncoderBlock)",
                    true);
        }
        Map<Block, String> paths = AttentionSupport.childPaths(block, path);
        List<Block> c = children.get();
        Trace x = inputs.get(0);
        Trace a = visit(c.get(0), paths, inputs, ctx);
        Trace n = visit(c.get(1), paths, List.of(ctx.sum(path, List.of(a, x), x.shape())), ctx);
        Trace f = visit(c.get(2), paths, List.of(n), ctx);
        Trace y = visit(c.get(3), paths, List.of(ctx.sum(path, List.of(f, x), x.shape())), ctx);
        return List.of(y);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] cost(
            TransformerEncoderBlock block, String path, Shape[] inputs, CostContext ctx) {
        Map<Block, String> paths = AttentionSupport.childPaths(block, path);
        List<Block> c = children(block, path).orElseThrow();
        Shape[] x = new Shape[] {inputs[0]};
        ctx.visit(c.get(0), paths.get(c.get(0)), inputs);
        ctx.visit(c.get(1), paths.get(c.get(1)), x);
        ctx.visit(c.get(2), paths.get(c.get(2)), x);
        ctx.visit(c.get(3), paths.get(c.get(3)), x);
        return block.getOutputShapes(inputs);
    }

    /** {@inheritDoc} */
    @Override
    public TransformerEncoderBlock rebuild(
            TransformerEncoderBlock block, String path, RebuildContext ctx) {
        ScaledDotProductAttentionBlock attention =
                ctx.setting(
                        block,
                        TransformerEncoderBlock.class,
                        "selfAttentionBlock",
                        ScaledDotProductAttentionBlock.class,
                        path);
        PointwiseFeedForwardBlock feedForward =
                ctx.setting(
                        block,
                        TransformerEncoderBlock.class,
                        "pointWisefullyConnected",
                        PointwiseFeedForwardBlock.class,
                        path);
        Dropout dropout =
                ctx.setting(
                        block,
                        TransformerEncoderBlock.class,
                        "selfAttentionDropout",
                        Dropout.class,
                        path);
        Map<Block, String> paths = AttentionSupport.childPaths(block, path);
        // the attention block checks that its own widths are unchanged
        ScaledDotProductAttentionBlock rebuiltAttention =
                (ScaledDotProductAttentionBlock) ctx.rebuild(attention, paths.get(attention));
        int embedding =
                ctx.setting(
                        rebuiltAttention,
                        ScaledDotProductAttentionBlock.class,
                        "embeddingSize",
                        Integer.class,
                        path);
        int heads =
                ctx.setting(
                        rebuiltAttention,
                        ScaledDotProductAttentionBlock.class,
                        "headCount",
                        Integer.class,
                        path);
        String ffnPath = paths.get(feedForward);
        List<Long> widths = new ArrayList<>();
        Function<NDList, NDList> activation = null;
        for (Pair<String, Block> child : feedForward.getChildren()) {
            String childPath = DiscoveryContext.paramPath(ffnPath, child.getKey());
            if (child.getValue() instanceof Linear linear) {
                widths.add(ctx.width(linear, childPath).width());
            } else if (activation == null && child.getValue() instanceof LambdaBlock lambda) {
                activation = PointwiseFeedForwardSupport.activation(lambda, childPath, ctx);
            }
        }
        if (widths.size() != 2 || activation == null || widths.get(1) != embedding) {
            throw new CompactionException(
                    ffnPath,
                    "cannot rebuild block "
                            + RebuildContext.display(path)
                            + " (TransformerEncoderBlock): its feed-forward block "
                            + ffnPath
                            + " must keep one hidden layer, an activation and "
                            + embedding
                            + " output units, its recorded widths are "
                            + widths);
        }
        return new TransformerEncoderBlock(
                embedding,
                heads,
                Math.toIntExact(widths.get(0)),
                ctx.setting(dropout, Dropout.class, "rate", Float.class, path),
                activation);
    }

    private static Trace visit(
            Block child, Map<Block, String> paths, List<Trace> in, DiscoveryContext ctx) {
        List<Trace> out = ctx.visit(child, paths.get(child), in);
        if (out.size() != 1) {
            throw new IllegalStateException(
                    "child "
                            + paths.get(child)
                            + " of a transformer encoder gave "
                            + out.size()
                            + " outputs");
        }
        return out.get(0);
    }

    /** The attention, attention norm, feed-forward block and output norm, in the order they run. */
    private static Optional<List<Block>> children(Block block, String path) {
        Map<Block, String> paths = AttentionSupport.childPaths(block, path);
        List<Block> out = new ArrayList<>();
        for (String name :
                List.of(
                        "selfAttentionBlock",
                        "attentionNorm",
                        "pointWisefullyConnected",
                        "outputNorm")) {
            Optional<Object> child = Settings.find(block, TransformerEncoderBlock.class, name);
            if (child.isEmpty()
                    || !(child.get() instanceof Block b)
                    || !paths.containsKey(child.get())) {
                return Optional.empty();
            }
            out.add(b);
        }
        return Optional.of(out);
    }
}
