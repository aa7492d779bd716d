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
import ai.hesso.djl.export.ExportContext;
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
 * <p>So the attention heads are a node group ({@link AttentionSupport}), the feed-forward block's
 * hidden units form another (a linear layer, its activation probed like any lambda, and the linear
 * layer reading them), and the embedding channels of {@code x}, of the attention's result
 * projection, of the feed-forward output and of both norms are coupled by the two residual sums
 * into the group of whatever produced {@code x}. Heads and hidden units can be removed; the stream
 * stays unprunable (the attention keeps its embedding width, {@link AttentionHeads}). The block is
 * rebuilt with DJL's constructor at the new hidden width when its attention keeps every head, and
 * as a {@link CompactTransformerEncoderBlock} (same children, same forward pass) when it loses
 * heads, since DJL's constructor always builds {@code E / N} units per head. The embedding size,
 * head size, dropout rate and activation are copied. When the children cannot be read the block is
 * unsupported.
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
        return trace(block, children(block, path), path, inputs, ctx);
    }

    /**
     * Traces an encoder (DJL's or the compact one) from its attention, attention norm, feed-forward
     * block and output norm, in the order they run.
     */
    static List<Trace> trace(
            Block block,
            Optional<List<Block>> children,
            String path,
            List<Trace> inputs,
            DiscoveryContext ctx) {
        if (inputs.isEmpty() || inputs.size() > 2) {
            return ctx.unsupported(block, path, inputs, "expects an input and a mask", true);
        }
        if (children.isEmpty()) {
            return ctx.unsupported(
                    block,
                    path,
                    inputs,
                    "cannot read its children (private fields of "
                            + block.getClass().getSimpleName()
                            + ")",
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
        return cost(block, children(block, path).orElseThrow(), path, inputs, ctx);
    }

    /** Counts an encoder's children in the order they run. */
    static Shape[] cost(Block block, List<Block> c, String path, Shape[] inputs, CostContext ctx) {
        Map<Block, String> paths = AttentionSupport.childPaths(block, path);
        Shape[] x = new Shape[] {inputs[0]};
        ctx.visit(c.get(0), paths.get(c.get(0)), inputs);
        ctx.visit(c.get(1), paths.get(c.get(1)), x);
        ctx.visit(c.get(2), paths.get(c.get(2)), x);
        ctx.visit(c.get(3), paths.get(c.get(3)), x);
        return block.getOutputShapes(inputs);
    }

    /**
     * {@inheritDoc}
     *
     * @return DJL's encoder when its attention keeps every head, a {@link
     *     CompactTransformerEncoderBlock} otherwise
     */
    @Override
    public Block rebuild(TransformerEncoderBlock block, String path, RebuildContext ctx) {
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
        return rebuild(
                block,
                attention,
                feedForward,
                ctx.setting(dropout, Dropout.class, "rate", Float.class, path),
                path,
                ctx);
    }

    /**
     * Rebuilds an encoder (DJL's or the compact one) from its attention block, rebuilt first (it
     * checks its own widths), and its feed-forward block's recorded widths and activation.
     */
    static Block rebuild(
            Block block,
            Block attention,
            PointwiseFeedForwardBlock feedForward,
            float rate,
            String path,
            RebuildContext ctx) {
        Map<Block, String> paths = AttentionSupport.childPaths(block, path);
        Block rebuiltAttention = ctx.rebuild(attention, paths.get(attention));
        int embedding;
        int heads;
        int headSize;
        if (rebuiltAttention instanceof ScaledDotProductAttentionBlock djl) {
            embedding =
                    ctx.setting(
                            djl,
                            ScaledDotProductAttentionBlock.class,
                            "embeddingSize",
                            Integer.class,
                            path);
            heads =
                    ctx.setting(
                            djl,
                            ScaledDotProductAttentionBlock.class,
                            "headCount",
                            Integer.class,
                            path);
            headSize = embedding / heads;
        } else if (rebuiltAttention instanceof CompactAttentionBlock compact) {
            embedding = compact.getEmbeddingSize();
            heads = compact.getHeadCount();
            headSize = compact.getHeadSize();
        } else {
            throw new CompactionException(
                    path,
                    "cannot rebuild block "
                            + DiscoveryContext.displayPath(path)
                            + ": its attention was rebuilt as a "
                            + rebuiltAttention.getClass().getName());
        }
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
                            + DiscoveryContext.displayPath(path)
                            + " ("
                            + block.getClass().getSimpleName()
                            + "): its feed-forward block "
                            + ffnPath
                            + " must keep one hidden layer, an activation and "
                            + embedding
                            + " output units, its recorded widths are "
                            + widths);
        }
        int hidden = Math.toIntExact(widths.get(0));
        if (rebuiltAttention instanceof ScaledDotProductAttentionBlock) {
            return new TransformerEncoderBlock(embedding, heads, hidden, rate, activation);
        }
        return new CompactTransformerEncoderBlock(
                embedding, heads, headSize, hidden, rate, activation);
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

    /**
     * {@inheritDoc}
     *
     * <p>Its forward pass: {@code outputNorm(feedForward(attentionNorm(attention(x) + x)) + x)},
     * the dropouts being the identity at inference. A mask input is refused.
     */
    @Override
    public List<String> export(
            TransformerEncoderBlock block, String path, List<String> inputs, ExportContext ctx) {
        Optional<List<Block>> children = children(block, path);
        if (children.isEmpty()) {
            throw ctx.refuse(
                    block,
                    path,
                    "cannot read its children (private fields of TransformerEncoderBlock)");
        }
        return export(block, children.get(), path, inputs, ctx);
    }

    /** Exports an encoder (DJL's or the compact one) from its children in the order they run. */
    static List<String> export(
            Block block, List<Block> c, String path, List<String> inputs, ExportContext ctx) {
        if (inputs.size() != 1) {
            throw ctx.refuse(
                    block,
                    path,
                    "an encoder on one input is exported; " + inputs.size() + " (a mask) are not");
        }
        Map<Block, String> paths = AttentionSupport.childPaths(block, path);
        String x = inputs.get(0);
        Shape shape = ctx.shape(x);
        String a = ctx.visit(c.get(0), paths.get(c.get(0)), inputs).get(0);
        String r1 = ctx.node("Add", path).input(a).input(x).output(shape);
        String n = ctx.visit(c.get(1), paths.get(c.get(1)), List.of(r1)).get(0);
        String f = ctx.visit(c.get(2), paths.get(c.get(2)), List.of(n)).get(0);
        String r2 = ctx.node("Add", path).input(f).input(x).output(shape);
        return ctx.visit(c.get(3), paths.get(c.get(3)), List.of(r2));
    }
}
