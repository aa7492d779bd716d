package ai.hesso.djl.layers;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.Trace;
import ai.hesso.djl.export.ExportContext;
import java.util.List;

/**
 * {@link SequentialBlock}: its children in order, each one's outputs feeding the next, for
 * discovery and the cost alike; the rebuild rebuilds them under the same names and keeps {@code
 * returnIntermediate}. Subclasses may override the forward pass and are not assumed to be
 * sequential (DJL's {@code PointwiseFeedForwardBlock} has its own support).
 *
 * <p>Containers have the same four parts as layers, but no width and no MACs of their own: what
 * they know is the order their children run in (which the trace and the cost follow) and how to put
 * rebuilt children back together.
 */
final class SequentialSupport implements LayerSupport<SequentialBlock> {

    /** {@inheritDoc} */
    @Override
    public Class<SequentialBlock> blockType() {
        return SequentialBlock.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(
            SequentialBlock block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        return traceChildren(block, path, inputs, ctx);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] cost(SequentialBlock block, String path, Shape[] inputs, CostContext ctx) {
        return costChildren(block, path, inputs, ctx);
    }

    /** {@inheritDoc} */
    @Override
    public SequentialBlock rebuild(SequentialBlock block, String path, RebuildContext ctx) {
        SequentialBlock copy = new SequentialBlock();
        copy.setReturnIntermediate(block.isReturnIntermediate());
        copy.addAll(ctx.children(block, path));
        return ctx.keepChildNames(copy, block, path);
    }

    /** Traces the children of a sequential block in order. */
    static List<Trace> traceChildren(
            Block block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        return inOrder(block, path, inputs, ctx::visit);
    }

    /** Counts the children of a sequential block in order. */
    static Shape[] costChildren(Block block, String path, Shape[] inputs, CostContext ctx) {
        return inOrder(block, path, inputs, ctx::visit);
    }

    /** One child's visit by discovery, the cost walk or the export: its outputs from its inputs. */
    @FunctionalInterface
    interface ChildVisit<T> {
        T visit(Block child, String childPath, T inputs);
    }

    /** Visits a block's children in order, the outputs of one the inputs of the next. */
    static <T> T inOrder(Block block, String path, T inputs, ChildVisit<T> visit) {
        T current = inputs;
        for (Pair<String, Block> child : block.getChildren()) {
            current =
                    visit.visit(
                            child.getValue(),
                            DiscoveryContext.paramPath(path, child.getKey()),
                            current);
        }
        return current;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Its children in order; a block that returns its intermediate outputs is refused.
     */
    @Override
    public List<String> export(
            SequentialBlock block, String path, List<String> inputs, ExportContext ctx) {
        if (block.isReturnIntermediate()) {
            throw ctx.refuse(
                    block,
                    path,
                    "it returns every child's output (returnIntermediate), which the export does"
                            + " not write; build it without returnIntermediate");
        }
        return exportChildren(block, path, inputs, ctx);
    }

    /** Exports the children of a sequential block in order. */
    static List<String> exportChildren(
            Block block, String path, List<String> inputs, ExportContext ctx) {
        return inOrder(block, path, inputs, ctx::visit);
    }
}
