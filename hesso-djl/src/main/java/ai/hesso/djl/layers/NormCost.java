package ai.hesso.djl.layers;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

/**
 * The cost of a batch or layer norm: one MAC per output value (the scale and shift {@code y = a * x
 * + b} with the constants folded), scaling with its gamma's rows; the statistics are not counted.
 */
final class NormCost {

    private NormCost() {}

    static Shape[] count(Block block, String path, Shape[] inputs, CostContext ctx) {
        Shape[] result = block.getOutputShapes(inputs);
        long channels = CostContext.shape(block, "gamma").size();
        ctx.add(
                path,
                block,
                channels,
                channels,
                ctx.perSample(result[0]),
                MacShape.rowsOf(CostContext.parameter(path, "gamma")));
        return result;
    }
}
