package ai.hesso.djl.layers;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.util.Pair;
import ai.hesso.djl.compact.CompactionException;
import ai.hesso.djl.compact.LayerCost;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.DiscoveryContext.MemberRows;
import ai.hesso.djl.discovery.Trace;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DJL's {@link ScaledDotProductAttentionBlock}: multi-head attention whose {@code N} heads form one
 * node group, a head being a channel.
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
 * <p>But DJL 0.29 cannot build this block at other widths: its builder gives all four projections
 * one embedding size {@code E}, initializes them for inputs of width {@code E} and reshapes the
 * heads with {@code E / N}. Fewer heads need {@code E' < E} query, key and value units beside a
 * result projection of {@code E} units, and fewer input or output channels need projections of
 * another width than {@code E}; neither can be built. So the heads group, the producers of the
 * inputs and the result projection's channels stay unprunable, with that reason, and the rebuild
 * copies the block at its own widths. Pruning heads needs an attention block of our own (issue 23,
 * transformer compaction).
 *
 * <p>Cost for one sample with {@code T} query tokens, {@code S} key tokens and {@code E} units: the
 * four projections count as linear layers ({@code T E_in E}, {@code S E_in E}, {@code S E_in E},
 * {@code T E E}), and the attention products as one more row of {@code 2 T S E} MACs: {@code T S H}
 * for the scores {@code Q K^T} of each of the {@code N} heads and as many for the weighted sum of
 * the values. The scaling by {@code 1 / sqrt(H)}, the softmax and the mask are not counted. The
 * products scale with the heads' rows of the query projection.
 */
final class AttentionSupport implements LayerSupport<ScaledDotProductAttentionBlock> {

    private static final List<String> PARAMETERS = List.of("weight", "bias");

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
        Optional<Object> heads =
                Settings.find(attention, ScaledDotProductAttentionBlock.class, "headCount");
        long units = units(attention.getQueryProjection());
        if (heads.isEmpty()
                || !(heads.get() instanceof Integer count)
                || count < 1
                || units < 1
                || units % count != 0) {
            return ctx.unsupported(
                    attention,
                    path,
                    inputs,
                    "cannot read the head count (private field 'headCount') or it does not divide"
                            + " the projection width",
                    true);
        }
        int headCount = count;
        int headSize = Math.toIntExact(units / headCount);
        String why =
                "DJL's ScaledDotProductAttentionBlock "
                        + RebuildContext.display(path)
                        + " cannot be rebuilt at other widths (its builder gives the query, key,"
                        + " value and result projections and its input one embedding size), so"
                        + " its heads and the channels it reads and makes stay whole";
        Map<Block, String> paths = childPaths(attention, path);
        // one or two inputs: self-attention on the first; three or four: keys, queries, values
        Trace keys = inputs.get(0);
        Trace queries = n < 3 ? inputs.get(0) : inputs.get(1);
        Trace values = n < 3 ? inputs.get(0) : inputs.get(2);
        if (n == 2 || n == 4) {
            ctx.blockAll(inputs.get(n - 1), "attention mask of " + RebuildContext.display(path));
        }
        for (Trace read :
                List.of(
                        consume(attention.getKeyProjection(), paths, keys, ctx),
                        consume(attention.getQueryProjection(), paths, queries, ctx),
                        consume(attention.getValueProjection(), paths, values, ctx))) {
            ctx.blockAll(read, why);
        }

        Shape out =
                attention
                        .getOutputShapes(inputs.stream().map(Trace::shape).toArray(Shape[]::new))[
                        0];
        List<MemberRows> members = new ArrayList<>();
        for (Linear projection :
                List.of(
                        attention.getQueryProjection(),
                        attention.getKeyProjection(),
                        attention.getValueProjection())) {
            for (String name : PARAMETERS) {
                members.add(new MemberRows(projection, paths.get(projection), name, headSize));
            }
        }
        // the heads side by side: head h is the run [h H, (h + 1) H) of the embedding axis
        Trace concatenated =
                ctx.produceRuns(
                        DiscoveryContext.paramPath(path, "heads"),
                        out,
                        out.dimension() - 1,
                        headCount,
                        members);
        ctx.blockAll(concatenated, why);
        Linear result = attention.getResultProjection();
        String resultPath = paths.get(result);
        ctx.consume(concatenated, resultPath, "weight", 1);
        Trace made = ctx.produce(result, resultPath, out, out.dimension() - 1, PARAMETERS);
        ctx.blockAll(made, why);
        return List.of(made);
    }

    private static Trace consume(
            Linear projection, Map<Block, String> paths, Trace in, DiscoveryContext ctx) {
        String child = paths.get(projection);
        Trace x = ctx.relayout(in, in.shape().dimension() - 1, child);
        ctx.consume(x, child, "weight", 1);
        return x;
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] cost(
            ScaledDotProductAttentionBlock attention,
            String path,
            Shape[] inputs,
            CostContext ctx) {
        int n = inputs.length;
        Shape keys = inputs[0];
        Shape queries = n < 3 ? inputs[0] : inputs[1];
        Shape values = n < 3 ? inputs[0] : inputs[2];
        Map<Block, String> paths = childPaths(attention, path);
        Linear key = attention.getKeyProjection();
        Linear query = attention.getQueryProjection();
        Linear value = attention.getValueProjection();
        Shape[] k = ctx.visit(key, paths.get(key), new Shape[] {keys});
        Shape[] q = ctx.visit(query, paths.get(query), new Shape[] {queries});
        ctx.visit(value, paths.get(value), new Shape[] {values});
        long units = CostContext.shape(query, "weight").get(0);
        long queryTokens = ctx.perSample(q[0]) / units;
        long keyTokens = ctx.perSample(k[0]) / units;
        ctx.add(
                new LayerCost(
                        path,
                        ScaledDotProductAttentionBlock.class.getSimpleName(),
                        units,
                        units,
                        0,
                        2 * queryTokens * keyTokens * units),
                MacShape.rowsOf(CostContext.parameter(paths.get(query), "weight")));
        Linear result = attention.getResultProjection();
        ctx.visit(result, paths.get(result), q);
        return attention.getOutputShapes(inputs);
    }

    /** {@inheritDoc} */
    @Override
    public ScaledDotProductAttentionBlock rebuild(
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
        Map<Block, String> paths = childPaths(attention, path);
        for (Linear projection :
                List.of(
                        attention.getKeyProjection(),
                        attention.getQueryProjection(),
                        attention.getValueProjection(),
                        attention.getResultProjection())) {
            String child = paths.get(projection);
            long width = ctx.width(projection, child).width();
            if (width != embedding) {
                throw new CompactionException(
                        child,
                        "cannot rebuild block "
                                + RebuildContext.display(path)
                                + " (ScaledDotProductAttentionBlock) with "
                                + child
                                + " at "
                                + width
                                + " units: DJL builds all its projections at its embedding size "
                                + embedding);
            }
        }
        return ScaledDotProductAttentionBlock.builder()
                .setEmbeddingSize(embedding)
                .setHeadCount(headCount)
                .optAttentionProbsDropoutProb(rate)
                .build();
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
}
