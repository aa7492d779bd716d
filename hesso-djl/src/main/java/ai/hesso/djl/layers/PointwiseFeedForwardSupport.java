package ai.hesso.djl.layers;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.transformer.PointwiseFeedForwardBlock;
import ai.djl.util.Pair;
import ai.hesso.djl.compact.CompactionException;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.Trace;
import ai.hesso.djl.export.ExportContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * DJL's {@link PointwiseFeedForwardBlock}: a sequential block of {@code Linear(h_1)}, activation,
 * ..., {@code Linear(out)} that only adds its layers, so it is traced and counted as a sequential
 * block (each hidden layer's units are a node group, its activation probed like any lambda). It is
 * rebuilt with its constructor from the hidden and output widths recorded for its linear children
 * and the activation of its first lambda child.
 */
final class PointwiseFeedForwardSupport implements LayerSupport<PointwiseFeedForwardBlock> {

    /** {@inheritDoc} */
    @Override
    public Class<PointwiseFeedForwardBlock> blockType() {
        return PointwiseFeedForwardBlock.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(
            PointwiseFeedForwardBlock block,
            String path,
            List<Trace> inputs,
            DiscoveryContext ctx) {
        return SequentialSupport.traceChildren(block, path, inputs, ctx);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] cost(
            PointwiseFeedForwardBlock block, String path, Shape[] inputs, CostContext ctx) {
        return SequentialSupport.costChildren(block, path, inputs, ctx);
    }

    /** {@inheritDoc} */
    @Override
    public PointwiseFeedForwardBlock rebuild(
            PointwiseFeedForwardBlock block, String path, RebuildContext ctx) {
        List<Integer> widths = new ArrayList<>();
        Function<NDList, NDList> activation = null;
        for (Pair<String, Block> child : block.getChildren()) {
            String childPath = DiscoveryContext.paramPath(path, child.getKey());
            if (child.getValue() instanceof Linear linear) {
                widths.add(Math.toIntExact(ctx.width(linear, childPath).width()));
            } else if (activation == null && child.getValue() instanceof LambdaBlock lambda) {
                activation = activation(lambda, childPath, ctx);
            }
        }
        if (widths.isEmpty() || (widths.size() > 1 && activation == null)) {
            throw new CompactionException(
                    path,
                    "cannot rebuild block "
                            + DiscoveryContext.displayPath(path)
                            + " (PointwiseFeedForwardBlock): its children are not linear layers"
                            + " with an activation between them");
        }
        return new PointwiseFeedForwardBlock(
                widths.subList(0, widths.size() - 1),
                widths.get(widths.size() - 1),
                activation != null ? activation : x -> x);
    }

    /** The function a lambda block applies. */
    @SuppressWarnings("unchecked")
    static Function<NDList, NDList> activation(
            LambdaBlock lambda, String path, RebuildContext ctx) {
        return ctx.setting(lambda, LambdaBlock.class, "lambda", Function.class, path);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Its children in order, as a sequential block.
     */
    @Override
    public List<String> export(
            PointwiseFeedForwardBlock block, String path, List<String> inputs, ExportContext ctx) {
        return SequentialSupport.exportChildren(block, path, inputs, ctx);
    }
}
