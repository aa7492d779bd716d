package ai.hesso.djl.layers;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.hesso.djl.compact.LayerCost;
import ai.hesso.djl.discovery.DiscoveryContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The state of one walk that counts a block tree's parameters and MACs ({@code compact.BlockCost}),
 * handed to every {@link LayerSupport#cost}: the layers counted so far, in the order they run, each
 * with the {@link MacShape} its MACs scale with.
 *
 * <p>A block the registry has no support for is listed with its parameters, 0 MACs and the sizes of
 * axis 1 of its first input and output as channels (0 for rank-1 values); its children are not
 * visited.
 */
public final class CostContext {

    private final LayerRegistry registry;
    private final long batch;
    private final List<Counted> layers = new ArrayList<>();

    /**
     * One counted layer.
     *
     * @param cost its size and cost for one input sample
     * @param shape which widths its MACs scale with, null when it has no MACs
     */
    public record Counted(LayerCost cost, MacShape shape) {

        /**
         * Validates the entry.
         *
         * @param cost the cost, not null
         * @param shape the MAC shape, not null when the cost has MACs
         */
        public Counted {
            Objects.requireNonNull(cost, "cost");
            if (cost.macs() > 0 && shape == null) {
                throw new IllegalArgumentException(
                        "layer " + cost.path() + " has MACs but no MacShape");
            }
        }
    }

    /**
     * Starts a walk; {@code compact.BlockCost} is the one caller.
     *
     * @param registry the layer supports to ask
     * @param batch the batch size of the input shapes, divided out of every count
     */
    public CostContext(LayerRegistry registry, long batch) {
        this.registry = Objects.requireNonNull(registry, "registry");
        if (batch < 1) {
            throw new IllegalArgumentException("the batch size must be >= 1, got " + batch);
        }
        this.batch = batch;
    }

    /**
     * Counts a block (a child of a container, or the root) with its support.
     *
     * @param block the block
     * @param path its path
     * @param inputs its input shapes, batch axis first
     * @return its output shapes
     */
    public Shape[] visit(Block block, String path, Shape[] inputs) {
        return registry.find(block)
                .map(s -> LayerRegistry.cost(s, block, path, inputs, this))
                .orElseGet(() -> unknown(block, path, inputs));
    }

    private Shape[] unknown(Block block, String path, Shape[] inputs) {
        Shape[] result = block.getOutputShapes(inputs);
        layers.add(
                new Counted(
                        new LayerCost(
                                path,
                                block.getClass().getSimpleName(),
                                axisOne(inputs[0]),
                                axisOne(result[0]),
                                parameters(block),
                                0),
                        null));
        return result;
    }

    /**
     * Records one layer: its parameters are counted from the block (every scalar of every array,
     * trainable or not, children included).
     *
     * @param path the layer's path
     * @param block the layer (its class's simple name is the layer's kind)
     * @param inChannels the channels it reads
     * @param outChannels the channels it makes
     * @param macs its multiply-accumulate operations for one input sample
     * @param shape which widths its MACs scale with; may be null when {@code macs} is 0
     */
    public void add(
            String path,
            Block block,
            long inChannels,
            long outChannels,
            long macs,
            MacShape shape) {
        add(
                new LayerCost(
                        path,
                        block.getClass().getSimpleName(),
                        inChannels,
                        outChannels,
                        parameters(block),
                        macs),
                shape);
    }

    /**
     * Records one row of the count as given (for MACs that belong to no single layer, such as an
     * attention block's products of queries and keys).
     *
     * @param cost the row
     * @param shape which widths its MACs scale with; may be null when it has no MACs
     */
    public void add(LayerCost cost, MacShape shape) {
        layers.add(new Counted(cost, shape));
    }

    /**
     * Returns the number of values of a shape for one input sample.
     *
     * @param shape a shape, batch axis first
     * @return {@code shape.size() / batch}
     */
    public long perSample(Shape shape) {
        return shape.size() / batch;
    }

    /**
     * Returns the parameter path of a block's parameter.
     *
     * @param path the block's path
     * @param name the parameter's name
     * @return the joined path
     */
    public static String parameter(String path, String name) {
        return DiscoveryContext.paramPath(path, name);
    }

    /**
     * Returns the shape of a block's direct parameter.
     *
     * @param block the initialized block
     * @param name the parameter's name
     * @return its shape
     */
    public static Shape shape(Block block, String name) {
        return block.getParameters().get(name).getArray().getShape();
    }

    /**
     * Returns the layers counted so far, in the order they run.
     *
     * @return the entries
     */
    public List<Counted> layers() {
        return List.copyOf(layers);
    }

    private static long parameters(Block block) {
        long params = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            params += p.getValue().getArray().size();
        }
        return params;
    }

    private static long axisOne(Shape shape) {
        return shape.dimension() > 1 ? shape.get(1) : 0;
    }
}
