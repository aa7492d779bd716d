package ai.hesso.djl.compact;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.hesso.djl.layers.CostContext;
import ai.hesso.djl.layers.LayerRegistry;
import ai.hesso.djl.layers.MacShape;
import java.util.List;
import java.util.Objects;

/**
 * Parameters and multiply-accumulate operations (MACs) of an initialized block, per layer, found by
 * walking the block with its input shapes ({@code getOutputShapes}, no forward pass). Each block is
 * counted by its {@link ai.hesso.djl.layers.LayerSupport#cost}; what the built-in supports count,
 * for one input sample (the batch size of the input shape is divided out):
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
 *   <li>{@code ScaledDotProductAttentionBlock} and {@code CompactAttentionBlock}: its four
 *       projections as linear layers at their widths, and one row for the attention products,
 *       {@code 2 T S N H} MACs for {@code T} query and {@code S} key tokens and {@code N} heads of
 *       {@code H} units ({@code N H = E} in DJL's block; the scores {@code Q K^T} and the weighted
 *       sum of the values; the softmax is not counted); a transformer encoder is its children;
 *   <li>pooling (max, average, global): 0 MACs and not listed: it multiplies by no weight, and
 *       average pooling's additions are not counted; the same for activations, flatten, dropout and
 *       the joins of parallel blocks (residual add, concatenation), all lambdas in DJL;
 *   <li>a block no support knows: listed with its parameters, 0 MACs and the sizes of axis 1 of its
 *       first input and output as channels (0 for rank-1 values).
 * </ul>
 *
 * <p>Pruning papers that report "FLOPs" usually mean these MACs; one MAC is two floating-point
 * operations.
 */
public final class BlockCost {

    private final List<CostContext.Counted> counted;
    private final List<LayerCost> layers;
    private final long parameters;

    private BlockCost(List<CostContext.Counted> counted, long parameters) {
        this.counted = List.copyOf(counted);
        this.layers = counted.stream().map(CostContext.Counted::cost).toList();
        this.parameters = parameters;
    }

    /**
     * Walks an initialized block with the built-in layer supports.
     *
     * @param block the block
     * @param inputShapes its input shapes, batch axis first (the batch size is divided out)
     * @return the costs
     * @throws IllegalStateException if the block is not initialized
     */
    public static BlockCost of(Block block, Shape... inputShapes) {
        return of(block, LayerRegistry.defaults(), inputShapes);
    }

    /**
     * Walks an initialized block with the given layer supports (a model with block types of its own
     * needs the registry its discovery used, {@code report.layers()}).
     *
     * @param block the block
     * @param layers the layer supports
     * @param inputShapes its input shapes, batch axis first (the batch size is divided out)
     * @return the costs
     * @throws IllegalStateException if the block is not initialized
     */
    public static BlockCost of(Block block, LayerRegistry layers, Shape... inputShapes) {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(layers, "layers");
        Compaction.requireInitialized(block);
        if (inputShapes.length == 0) {
            throw new IllegalArgumentException("BlockCost needs the block's input shapes");
        }
        CostContext ctx = new CostContext(layers, inputShapes[0].get(0));
        ctx.visit(block, "", inputShapes);
        long total = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            total += p.getValue().getArray().size();
        }
        return new BlockCost(ctx.layers(), total);
    }

    /**
     * Returns the counted layers, in the order they run.
     *
     * @return the per-layer costs
     */
    public List<LayerCost> layers() {
        return layers;
    }

    /**
     * Returns which widths each layer's MACs scale with, in the order of {@link #layers()} (null
     * for a layer without MACs); {@code cost.BlockMacs} builds the MAC budget terms from them.
     *
     * @return one entry per layer
     */
    public List<MacShape> macShapes() {
        return counted.stream().map(CostContext.Counted::shape).toList();
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
