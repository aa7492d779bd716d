package ai.hesso.djl.layers;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.Trace;
import java.util.List;
import java.util.Optional;

/**
 * {@link Linear}: reads its input's channels on the last axis (weight columns, axis 1) and makes a
 * new producer whose channels are its units (weight rows and bias). It costs {@code outputs *
 * inFeatures} MACs, {@code outputs} the number of output values (units times the positions it is
 * applied at, e.g. tokens); the bias add is not counted. Its width is its units.
 */
final class LinearSupport implements LayerSupport<Linear> {

    /** {@inheritDoc} */
    @Override
    public Class<Linear> blockType() {
        return Linear.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(Linear block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        if (inputs.size() != 1) {
            return ctx.unsupported(block, path, inputs, "expects one input", true);
        }
        Trace in = inputs.get(0);
        in = ctx.relayout(in, in.shape().dimension() - 1, path);
        ctx.consume(in, path, "weight", 1);
        Shape out = block.getOutputShapes(new Shape[] {in.shape()})[0];
        return List.of(
                ctx.produce(block, path, out, out.dimension() - 1, List.of("weight", "bias")));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] cost(Linear block, String path, Shape[] inputs, CostContext ctx) {
        Shape[] result = block.getOutputShapes(inputs);
        Shape w = CostContext.shape(block, "weight");
        ctx.add(
                path,
                block,
                w.get(1),
                w.get(0),
                ctx.perSample(result[0]) * w.get(1),
                MacShape.weight(CostContext.parameter(path, "weight")));
        return result;
    }

    /** {@inheritDoc} */
    @Override
    public Optional<LayerWidth> configuredWidth(Linear block, String path) {
        // DJL keeps the units private; the output shape of a one-feature input carries them
        long units = block.getOutputShapes(new Shape[] {new Shape(1)})[0].get(0);
        return Optional.of(new LayerWidth(path, "Linear", units, 1));
    }

    /** {@inheritDoc} */
    @Override
    public Optional<LayerWidth> width(Linear block, String path, RemovedIndices removed) {
        String weight = CostContext.parameter(path, "weight");
        long units = removed.shape(weight).get(0) - removed.count(weight, 0);
        return Optional.of(new LayerWidth(path, "Linear", units, 1));
    }

    /** {@inheritDoc} */
    @Override
    public Linear rebuild(Linear block, String path, RebuildContext ctx) {
        return Linear.builder()
                .setUnits(ctx.width(block, path).width())
                .optBias(block.getDirectParameters().contains("bias"))
                .build();
    }
}
