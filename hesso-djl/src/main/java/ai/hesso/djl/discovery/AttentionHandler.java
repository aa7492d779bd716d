package ai.hesso.djl.discovery;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.util.Pair;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DJL's {@link ScaledDotProductAttentionBlock}: multi-head attention whose {@code N} heads become
 * one node group, a head being a channel.
 *
 * <p>The block projects its inputs to queries, keys and values with three {@code Linear(E)} layers,
 * splits each into {@code N} heads of {@code H = E / N} consecutive units, lets head {@code h}'s
 * queries and keys weight its values, puts the heads side by side again and projects them with a
 * fourth {@code Linear(E)}. Zeroing head {@code h}'s {@code H} rows of the query, key and value
 * weights and biases makes its values zero, so its output (softmax weights times zero values) is
 * exactly zero whatever the scores and the mask: the head is zero-invariant, and the result
 * projection's input columns {@code [h H, (h + 1) H)} are its consumers. The group's members are
 * the three projections' weights and biases with {@code H} rows per channel.
 *
 * <p>The projections read their inputs' channels (the embedding, last axis) as any linear layer
 * does, and the result projection makes new channels, usually coupled with the input by the
 * residual connection around the block. An attention mask (the last of 2 or 4 inputs) is not
 * pruned. When the head count cannot be read the block is unsupported.
 */
final class AttentionHandler implements LayerHandler {

    private static final List<String> PARAMETERS = List.of("weight", "bias");

    /** {@inheritDoc} */
    @Override
    public boolean supports(Block block) {
        return block.getClass() == ScaledDotProductAttentionBlock.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(Block block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        ScaledDotProductAttentionBlock attention = (ScaledDotProductAttentionBlock) block;
        int n = inputs.size();
        if (n < 1 || n > 4) {
            return ctx.unsupported(block, path, inputs, "expects 1 to 4 inputs, got " + n, true);
        }
        Optional<Object> heads =
                Reflect.field(block, ScaledDotProductAttentionBlock.class, "headCount");
        long units = units(attention.getQueryProjection());
        if (heads.isEmpty()
                || !(heads.get() instanceof Integer count)
                || count < 1
                || units < 1
                || units % count != 0) {
            return ctx.unsupported(
                    block,
                    path,
                    inputs,
                    "cannot read the head count (private field 'headCount') or it does not divide"
                            + " the projection width",
                    true);
        }
        int headCount = count;
        int headSize = Math.toIntExact(units / headCount);
        Map<Block, String> paths = childPaths(block, path);
        // one or two inputs: self-attention on the first; three or four: keys, queries, values
        Trace keys = inputs.get(0);
        Trace queries = n < 3 ? inputs.get(0) : inputs.get(1);
        Trace values = n < 3 ? inputs.get(0) : inputs.get(2);
        if (n == 2 || n == 4) {
            ctx.blockAll(inputs.get(n - 1), "attention mask of " + DiscoveryContext.display(path));
        }
        consume(attention.getKeyProjection(), paths, keys, ctx);
        consume(attention.getQueryProjection(), paths, queries, ctx);
        consume(attention.getValueProjection(), paths, values, ctx);

        Shape out = block.getOutputShapes(DiscoveryContext.shapes(inputs))[0];
        int node = ctx.graph.newNode(DiscoveryContext.display(path) + " heads", headCount);
        ctx.graph.nameGroup(node, DiscoveryContext.paramPath(path, "heads"));
        for (Linear projection :
                List.of(
                        attention.getQueryProjection(),
                        attention.getKeyProjection(),
                        attention.getValueProjection())) {
            String child = paths.get(projection);
            for (String name : PARAMETERS) {
                ctx.member(node, projection, child, name, headSize);
            }
        }
        // the heads side by side: head h is the run [h H, (h + 1) H) of the embedding axis
        Trace concatenated =
                new Trace(
                        List.of(new Segment(node, headCount, headSize)), out, out.dimension() - 1);
        Linear result = attention.getResultProjection();
        String resultPath = paths.get(result);
        ctx.consume(concatenated, resultPath, "weight", 1);
        return List.of(ctx.produce(result, resultPath, out, out.dimension() - 1, PARAMETERS));
    }

    private static void consume(
            Linear projection, Map<Block, String> paths, Trace in, DiscoveryContext ctx) {
        String child = paths.get(projection);
        Trace x = ctx.relayout(in, in.shape().dimension() - 1, child);
        ctx.consume(x, child, "weight", 1);
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
