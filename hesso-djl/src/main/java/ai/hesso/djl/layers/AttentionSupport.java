package ai.hesso.djl.layers;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.util.Pair;
import ai.hesso.djl.compact.CompactionException;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.Trace;
import ai.hesso.djl.export.ExportContext;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DJL's {@link ScaledDotProductAttentionBlock}: multi-head attention whose {@code N} heads form one
 * prunable node group, a head being a channel.
 *
 * <p>The block projects its inputs to queries, keys and values with three {@code Linear(E)} layers,
 * splits each into {@code N} heads of {@code H = E / N} consecutive units, lets head {@code h}'s
 * queries and keys weight its values, puts the heads side by side again and projects them with a
 * fourth {@code Linear(E)}. Zeroing head {@code h}'s {@code H} rows of the query, key and value
 * weights and biases makes its values zero, so its output (softmax weights times zero values) is
 * exactly zero whatever the scores and the mask: the head is zero-invariant, and the result
 * projection's input columns {@code [h H, (h + 1) H)} are its consumers. The group's members are
 * the three projections' weights and biases with {@code H} rows per channel. An attention mask (the
 * last of 2 or 4 inputs) is not pruned.
 *
 * <p>DJL 0.29 cannot build this block with fewer heads (its builder gives all four projections one
 * embedding size {@code E} and reshapes the heads with {@code E / N}), so the rebuild returns a
 * {@link CompactAttentionBlock} with the kept heads, {@code H} and {@code E} (DJL's block again
 * when every head is kept). The embedding stream, the channels the block reads and its result
 * projection makes, stays unprunable ({@link AttentionHeads}).
 *
 * <p>Cost for one sample with {@code T} query tokens, {@code S} key tokens, {@code E} input and
 * output units and {@code N} heads of {@code H} units: the four projections count as linear layers
 * ({@code T E N H}, {@code S E N H}, {@code S E N H}, {@code T N H E}), and the attention products
 * as one more row of {@code 2 T S N H} MACs: {@code T S H} for the scores {@code Q K^T} of each
 * head and as many for the weighted sum of its values. The scaling by {@code 1 / sqrt(H)}, the
 * softmax and the mask are not counted. The products scale with the heads' rows of the query
 * projection.
 */
final class AttentionSupport implements LayerSupport<ScaledDotProductAttentionBlock> {

    /** {@inheritDoc} */
    @Override
    public Class<ScaledDotProductAttentionBlock> blockType() {
        return ScaledDotProductAttentionBlock.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(
            ScaledDotProductAttentionBlock attention,
            String path,
            List<Trace> inputs,
            DiscoveryContext ctx) {
        int n = inputs.size();
        if (n < 1 || n > 4) {
            return ctx.unsupported(
                    attention, path, inputs, "expects 1 to 4 inputs, got " + n, true);
        }
        Optional<AttentionHeads.Parts> parts = parts(attention);
        if (parts.isEmpty()) {
            return ctx.unsupported(attention, path, inputs, NO_HEAD_COUNT, true);
        }
        return AttentionHeads.trace(parts.get(), path, inputs, ctx);
    }

    private static final String NO_HEAD_COUNT =
            "cannot read the head count (private field 'headCount') or it does not divide the"
                    + " projection width";

    /** The block's heads, when its head count can be read and divides the projection width. */
    private static Optional<AttentionHeads.Parts> parts(ScaledDotProductAttentionBlock attention) {
        Optional<Object> heads =
                Settings.find(attention, ScaledDotProductAttentionBlock.class, "headCount");
        long units = units(attention.getQueryProjection());
        if (heads.isEmpty()
                || !(heads.get() instanceof Integer count)
                || count < 1
                || units < 1
                || units % count != 0) {
            return Optional.empty();
        }
        return Optional.of(parts(attention, count, Math.toIntExact(units / count)));
    }

    private static AttentionHeads.Parts parts(
            ScaledDotProductAttentionBlock attention, int heads, int headSize) {
        return new AttentionHeads.Parts(
                attention,
                attention.getKeyProjection(),
                attention.getQueryProjection(),
                attention.getValueProjection(),
                attention.getResultProjection(),
                heads,
                headSize);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] cost(
            ScaledDotProductAttentionBlock attention,
            String path,
            Shape[] inputs,
            CostContext ctx) {
        return AttentionHeads.cost(parts(attention, 1, 1), path, inputs, ctx);
    }

    /**
     * {@inheritDoc}
     *
     * @return DJL's block when every head is kept, a {@link CompactAttentionBlock} otherwise
     */
    @Override
    public Block rebuild(
            ScaledDotProductAttentionBlock attention, String path, RebuildContext ctx) {
        int embedding =
                ctx.setting(
                        attention,
                        ScaledDotProductAttentionBlock.class,
                        "embeddingSize",
                        Integer.class,
                        path);
        int headCount =
                ctx.setting(
                        attention,
                        ScaledDotProductAttentionBlock.class,
                        "headCount",
                        Integer.class,
                        path);
        Dropout dropout =
                ctx.setting(
                        attention,
                        ScaledDotProductAttentionBlock.class,
                        "attentionProbsDropout",
                        Dropout.class,
                        path);
        float rate = ctx.setting(dropout, Dropout.class, "rate", Float.class, path);
        if (headCount < 1 || embedding % headCount != 0) {
            throw new CompactionException(
                    path,
                    "cannot rebuild attention block "
                            + DiscoveryContext.displayPath(path)
                            + ": its head count "
                            + headCount
                            + " does not divide its embedding size "
                            + embedding);
        }
        return AttentionHeads.rebuild(
                parts(attention, headCount, embedding / headCount), embedding, rate, path, ctx);
    }

    private static long units(Linear projection) {
        Parameter weight = projection.getDirectParameters().get("weight");
        return weight != null && weight.isInitialized() ? weight.getArray().getShape().get(0) : -1;
    }

    /** The paths of a block's children, by identity (DJL numbers the child names). */
    static Map<Block, String> childPaths(Block parent, String path) {
        Map<Block, String> paths = new IdentityHashMap<>();
        for (Pair<String, Block> child : parent.getChildren()) {
            paths.put(child.getValue(), DiscoveryContext.paramPath(path, child.getKey()));
        }
        return paths;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Self-attention on one input ({@link AttentionHeads#export}).
     */
    @Override
    public List<String> export(
            ScaledDotProductAttentionBlock attention,
            String path,
            List<String> inputs,
            ExportContext ctx) {
        AttentionHeads.Parts parts =
                parts(attention).orElseThrow(() -> ctx.refuse(attention, path, NO_HEAD_COUNT));
        return AttentionHeads.export(parts, path, inputs, ctx);
    }
}
