package ai.hesso.djl.compact;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Parameters and multiply-accumulate operations (MACs) of an initialized block, per layer, found by
 * walking the block with its input shapes ({@code getOutputShapes}, no forward pass).
 *
 * <p>What is counted, for one input sample (the batch size of the input shape is divided out):
 *
 * <ul>
 *   <li>parameters: every scalar of every parameter array, trainable or not (a batch norm's running
 *       mean and variance included), so {@link #parameters()} is the number of values {@code
 *       Model.save} writes;
 *   <li>{@code Linear}: {@code outputs * inFeatures} MACs, where {@code outputs} is the number of
 *       output values (units times the positions it is applied at, e.g. tokens); the bias add is
 *       not counted;
 *   <li>{@code Conv1d}, {@code Conv2d}, {@code Conv3d}: {@code outputs * (inChannels / groups) *
 *       prod(kernel)} MACs, {@code outputs} the number of output values (a depthwise convolution
 *       reads one channel per output); the bias add is not counted;
 *   <li>{@code BatchNorm} and {@code LayerNorm}: one MAC per output value (the scale and shift
 *       {@code y = a * x + b} with the constants folded); computing the statistics is not counted;
 *   <li>pooling (max, average, global): 0 MACs and not listed: it multiplies by no weight, and
 *       average pooling's additions are not counted; the same for activations, flatten, dropout and
 *       the joins of parallel blocks (residual add, concatenation), all lambdas in DJL;
 *   <li>any other block with parameters: listed with its parameters, 0 MACs and the sizes of axis 1
 *       of its first input and output as channels (0 for rank-1 values).
 * </ul>
 *
 * <p>Pruning papers that report "FLOPs" usually mean these MACs; one MAC is two floating-point
 * operations.
 */
public final class ModelCost {

    private final List<LayerCost> layers;
    private final long parameters;

    private ModelCost(List<LayerCost> layers, long parameters) {
        this.layers = List.copyOf(layers);
        this.parameters = parameters;
    }

    /**
     * Walks an initialized block.
     *
     * @param block the block
     * @param inputShapes its input shapes, batch axis first (the batch size is divided out)
     * @return the costs
     * @throws IllegalStateException if the block is not initialized
     */
    public static ModelCost of(Block block, Shape... inputShapes) {
        Objects.requireNonNull(block, "block");
        Compaction.requireInitialized(block);
        if (inputShapes.length == 0) {
            throw new IllegalArgumentException("ModelCost needs the block's input shapes");
        }
        long batch = inputShapes[0].get(0);
        List<LayerCost> layers = new ArrayList<>();
        visit(block, "", inputShapes, batch, layers);
        long total = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            total += p.getValue().getArray().size();
        }
        return new ModelCost(layers, total);
    }

    private static Shape[] visit(
            Block block, String path, Shape[] in, long batch, List<LayerCost> out) {
        Class<?> type = block.getClass();
        if (type == SequentialBlock.class) {
            Shape[] current = in;
            for (Pair<String, Block> c : block.getChildren()) {
                current =
                        visit(
                                c.getValue(),
                                Compaction.paramPath(path, c.getKey()),
                                current,
                                batch,
                                out);
            }
            return current;
        }
        if (type == ParallelBlock.class) {
            for (Pair<String, Block> c : block.getChildren()) {
                visit(c.getValue(), Compaction.paramPath(path, c.getKey()), in, batch, out);
            }
            return block.getOutputShapes(in);
        }
        Shape[] result = block.getOutputShapes(in);
        if (type == LambdaBlock.class || type == Dropout.class) {
            return result;
        }
        long outValues = result[0].size() / batch;
        long params = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            params += p.getValue().getArray().size();
        }
        String kind = type.getSimpleName();
        if (type == Linear.class) {
            Shape w = shape(block, "weight");
            out.add(new LayerCost(path, kind, w.get(1), w.get(0), params, outValues * w.get(1)));
        } else if (block instanceof Convolution && BlockRebuilder.isConvolution(block)) {
            Shape w = shape(block, "weight");
            long perOutput = w.size() / w.get(0);
            long groups = ((Convolution) block).getGroups();
            out.add(
                    new LayerCost(
                            path,
                            kind,
                            w.get(1) * groups,
                            w.get(0),
                            params,
                            outValues * perOutput));
        } else if (type == BatchNorm.class || type == LayerNorm.class) {
            long channels = shape(block, "gamma").size();
            out.add(new LayerCost(path, kind, channels, channels, params, outValues));
        } else {
            out.add(new LayerCost(path, kind, axisOne(in[0]), axisOne(result[0]), params, 0));
        }
        return result;
    }

    private static long axisOne(Shape shape) {
        return shape.dimension() > 1 ? shape.get(1) : 0;
    }

    private static Shape shape(Block block, String name) {
        return block.getParameters().get(name).getArray().getShape();
    }

    /**
     * Returns the layers with parameters, in the order they run.
     *
     * @return the per-layer costs
     */
    public List<LayerCost> layers() {
        return layers;
    }

    /**
     * Returns the total number of parameter scalars of the block, trainable or not.
     *
     * @return the parameter count
     */
    public long parameters() {
        return parameters;
    }

    /**
     * Returns the total MACs for one input sample.
     *
     * @return the sum of the layers' MACs
     */
    public long macs() {
        return layers.stream().mapToLong(LayerCost::macs).sum();
    }
}
