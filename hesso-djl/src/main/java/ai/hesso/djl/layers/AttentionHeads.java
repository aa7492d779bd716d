package ai.hesso.djl.layers;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.hesso.djl.compact.CompactionException;
import ai.hesso.djl.compact.LayerCost;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.DiscoveryContext.MemberRows;
import ai.hesso.djl.discovery.Trace;
import ai.hesso.djl.export.ExportContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What DJL's {@link ScaledDotProductAttentionBlock} and {@link CompactAttentionBlock} share: the
 * tracing of whole heads, the cost and the rebuild with fewer heads ({@link AttentionSupport} and
 * {@link CompactAttentionSupport} read the parts of their block and hand them here).
 *
 * <p>Head {@code h} owns rows {@code [h H, (h + 1) H)} of the query, key and value projections'
 * weights and biases and columns {@code [h H, (h + 1) H)} of the result projection's weight.
 * Zeroing its rows makes its values zero, so its output (softmax weights times zero values) is
 * exactly zero whatever the scores and the mask: the head is zero-invariant, and the rebuilt block
 * without it computes the other heads as before (their scaling {@code 1 / sqrt(H)} does not depend
 * on the number of heads).
 *
 * <p>The embedding stream (the channels the projections read and the result projection makes) is
 * left unprunable: the rebuild keeps the block's input and output width {@code E} and removes heads
 * only. The stream is the width of the residual sums around the block and of every block reading or
 * adding to it, and nothing here rebuilds those at another width.
 */
final class AttentionHeads {

    private static final List<String> PARAMETERS = List.of("weight", "bias");

    private AttentionHeads() {}

    /**
     * The parts of an attention block.
     *
     * @param block the block
     * @param key the key projection
     * @param query the query projection
     * @param value the value projection
     * @param result the result projection
     * @param heads the number of heads {@code N}
     * @param headSize the units per head {@code H}
     */
    record Parts(
            Block block,
            Linear key,
            Linear query,
            Linear value,
            Linear result,
            int heads,
            int headSize) {}

    static List<Trace> trace(Parts a, String path, List<Trace> inputs, DiscoveryContext ctx) {
        int n = inputs.size();
        Map<Block, String> paths = AttentionSupport.childPaths(a.block(), path);
        String stream =
                "the embedding stream of attention block "
                        + DiscoveryContext.displayPath(path)
                        + " stays whole: compaction removes whole heads but keeps the block's input"
                        + " and output width (the width of the residual sums around it and of every"
                        + " block on the stream)";
        // one or two inputs: self-attention on the first; three or four: keys, queries, values
        Trace keys = inputs.get(0);
        Trace queries = n < 3 ? inputs.get(0) : inputs.get(1);
        Trace values = n < 3 ? inputs.get(0) : inputs.get(2);
        if (n == 2 || n == 4) {
            ctx.blockAll(
                    inputs.get(n - 1), "attention mask of " + DiscoveryContext.displayPath(path));
        }
        for (Trace read :
                List.of(
                        consume(a.key(), paths, keys, ctx),
                        consume(a.query(), paths, queries, ctx),
                        consume(a.value(), paths, values, ctx))) {
            ctx.blockAll(read, stream);
        }
        Shape out =
                a.block()
                        .getOutputShapes(inputs.stream().map(Trace::shape).toArray(Shape[]::new))[
                        0];
        int last = out.dimension() - 1;
        Shape concatenated = out.slice(0, last).add((long) a.heads() * a.headSize());
        List<MemberRows> members = new ArrayList<>();
        for (Linear projection : List.of(a.query(), a.key(), a.value())) {
            for (String name : PARAMETERS) {
                members.add(new MemberRows(projection, paths.get(projection), name, a.headSize()));
            }
        }
        // the heads side by side: head h is the run [h H, (h + 1) H) of the last axis
        Trace heads =
                ctx.produceRuns(
                        DiscoveryContext.paramPath(path, "heads"),
                        concatenated,
                        last,
                        a.heads(),
                        members);
        String resultPath = paths.get(a.result());
        ctx.consume(heads, resultPath, "weight", 1);
        Trace made = ctx.produce(a.result(), resultPath, out, last, PARAMETERS);
        ctx.blockAll(made, stream);
        return List.of(made);
    }

    private static Trace consume(
            Linear projection, Map<Block, String> paths, Trace in, DiscoveryContext ctx) {
        String child = paths.get(projection);
        Trace x = ctx.relayout(in, in.shape().dimension() - 1, child);
        ctx.consume(x, child, "weight", 1);
        return x;
    }

    static Shape[] cost(Parts a, String path, Shape[] inputs, CostContext ctx) {
        int n = inputs.length;
        Shape keys = inputs[0];
        Shape queries = n < 3 ? inputs[0] : inputs[1];
        Shape values = n < 3 ? inputs[0] : inputs[2];
        Map<Block, String> paths = AttentionSupport.childPaths(a.block(), path);
        Shape[] k = ctx.visit(a.key(), paths.get(a.key()), new Shape[] {keys});
        Shape[] q = ctx.visit(a.query(), paths.get(a.query()), new Shape[] {queries});
        ctx.visit(a.value(), paths.get(a.value()), new Shape[] {values});
        long units = CostContext.shape(a.query(), "weight").get(0);
        long queryTokens = ctx.perSample(q[0]) / units;
        long keyTokens = ctx.perSample(k[0]) / units;
        ctx.add(
                new LayerCost(
                        path,
                        a.block().getClass().getSimpleName(),
                        units,
                        units,
                        0,
                        2 * queryTokens * keyTokens * units),
                MacShape.rowsOf(CostContext.parameter(paths.get(a.query()), "weight")));
        ctx.visit(a.result(), paths.get(a.result()), q);
        return a.block().getOutputShapes(inputs);
    }

    /**
     * Rebuilds the block with the heads compaction kept: DJL's block when it keeps them all and is
     * one, a {@link CompactAttentionBlock} otherwise.
     */
    static Block rebuild(Parts a, int embedding, float dropout, String path, RebuildContext ctx) {
        Map<Block, String> paths = AttentionSupport.childPaths(a.block(), path);
        long units = (long) a.heads() * a.headSize();
        long kept = -1;
        for (Linear projection : List.of(a.key(), a.query(), a.value())) {
            String child = paths.get(projection);
            long width = ctx.width(projection, child).width();
            if (width % a.headSize() != 0 || (kept >= 0 && width != kept) || width > units) {
                throw new CompactionException(
                        child,
                        "cannot rebuild attention block "
                                + DiscoveryContext.displayPath(path)
                                + " with "
                                + child
                                + " at "
                                + width
                                + " units: the query, key and value projections keep whole heads"
                                + " of "
                                + a.headSize()
                                + " units, the same for all three, at most "
                                + units);
            }
            kept = width;
        }
        String resultPath = paths.get(a.result());
        long resultWidth = ctx.width(a.result(), resultPath).width();
        if (resultWidth != embedding) {
            throw new CompactionException(
                    resultPath,
                    "cannot rebuild attention block "
                            + DiscoveryContext.displayPath(path)
                            + " with its result projection at "
                            + resultWidth
                            + " units: its embedding width "
                            + embedding
                            + " is kept");
        }
        int heads = Math.toIntExact(kept / a.headSize());
        if (a.block() instanceof ScaledDotProductAttentionBlock && heads == a.heads()) {
            return ScaledDotProductAttentionBlock.builder()
                    .setEmbeddingSize(embedding)
                    .setHeadCount(heads)
                    .optAttentionProbsDropoutProb(dropout)
                    .build();
        }
        return CompactAttentionBlock.builder()
                .setEmbeddingSize(embedding)
                .setHeadCount(heads)
                .setHeadSize(a.headSize())
                .optAttentionProbsDropoutProb(dropout)
                .build();
    }

    /**
     * Writes self-attention on one input {@code (B, T, E)}: the projections as linear layers, heads
     * by {@code Reshape} to {@code (B, T, N, H)} (batch and tokens copied, so both stay dynamic)
     * and {@code Transpose}, scores {@code Q K^T / sqrt(H)}, {@code Softmax} on the last axis, the
     * weighted values back to {@code (B, T, N H)} and the result projection. The attention dropout
     * is the identity at inference. Keys, queries and values given apart, and masks, are refused.
     */
    static List<String> export(Parts a, String path, List<String> inputs, ExportContext ctx) {
        if (inputs.size() != 1) {
            throw ctx.refuse(
                    a.block(),
                    path,
                    "self-attention on one input is exported; "
                            + inputs.size()
                            + " inputs (keys, queries, values or a mask) are not");
        }
        Map<Block, String> paths = AttentionSupport.childPaths(a.block(), path);
        String x = inputs.get(0);
        Shape in = ctx.shape(x);
        if (in.dimension() != 3) {
            throw ctx.refuse(a.block(), path, "expects (batch, tokens, features), got " + in);
        }
        long b = in.get(0);
        long t = in.get(1);
        long n = a.heads();
        long h = a.headSize();
        String k = heads(ctx, one(ctx, a.key(), paths, x), path, b, t, n, h);
        String q = heads(ctx, one(ctx, a.query(), paths, x), path, b, t, n, h);
        String v = heads(ctx, one(ctx, a.value(), paths, x), path, b, t, n, h);
        String kt =
                ctx.node("Transpose", path)
                        .input(k)
                        .attribute("perm", 0L, 1L, 3L, 2L)
                        .output(new Shape(b, n, h, t));
        Shape scoresShape = new Shape(b, n, t, t);
        String scores = ctx.node("MatMul", path).input(q).input(kt).output(scoresShape);
        String factor =
                ctx.constant(path, "scale", new float[] {1f / (float) Math.sqrt(h)}, new Shape());
        String scaled = ctx.node("Mul", path).input(scores).input(factor).output(scoresShape);
        String p =
                ctx.node("Softmax", path).input(scaled).attribute("axis", -1L).output(scoresShape);
        String weighted = ctx.node("MatMul", path).input(p).input(v).output(new Shape(b, n, t, h));
        String back =
                ctx.node("Transpose", path)
                        .input(weighted)
                        .attribute("perm", 0L, 2L, 1L, 3L)
                        .output(new Shape(b, t, n, h));
        String merged =
                ctx.node("Reshape", path)
                        .input(back)
                        .input(ctx.ints(path, "mergedShape", 0, 0, n * h))
                        .output(new Shape(b, t, n * h));
        return List.of(one(ctx, a.result(), paths, merged));
    }

    private static String one(ExportContext ctx, Block child, Map<Block, String> paths, String x) {
        List<String> out = ctx.visit(child, paths.get(child), List.of(x));
        return out.get(0);
    }

    /** {@code (B, T, N H)} to {@code (B, N, T, H)}. */
    private static String heads(
            ExportContext ctx, String projected, String path, long b, long t, long n, long h) {
        String split =
                ctx.node("Reshape", path)
                        .input(projected)
                        .input(ctx.ints(path, "headShape", 0, 0, n, h))
                        .output(new Shape(b, t, n, h));
        return ctx.node("Transpose", path)
                .input(split)
                .attribute("perm", 0L, 2L, 1L, 3L)
                .output(new Shape(b, n, t, h));
    }
}
