package ai.hesso.djl.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.Trace;
import ai.hesso.djl.export.ExportContext;
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

    /** {@inheritDoc} */
    @Override
    public Optional<Block> withBiasForFolding(Linear block, int normAxis, int rank) {
        if (normAxis != rank - 1) {
            return Optional.empty();
        }
        long units = block.getParameters().get("weight").getArray().getShape().get(0);
        return Optional.of(Linear.builder().setUnits(units).optBias(true).build());
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code Gemm} (weight transposed by the operator) on a 2-D input; {@code MatMul} with the
     * transposed weight and {@code Add} of the bias on a higher-rank one (tokens).
     */
    @Override
    public List<String> export(Linear block, String path, List<String> inputs, ExportContext ctx) {
        if (inputs.size() != 1) {
            throw ctx.refuse(block, path, "expects one input, got " + inputs.size());
        }
        String x = inputs.get(0);
        Shape in = ctx.shape(x);
        Shape out = block.getOutputShapes(new Shape[] {in})[0];
        boolean bias = ExportContext.hasParameter(block, "bias");
        if (in.dimension() == 2) {
            ExportContext.Node gemm =
                    ctx.node("Gemm", path)
                            .input(x)
                            .input(ctx.parameter(block, path, "weight"))
                            .attribute("transB", 1L);
            if (bias) {
                gemm.input(ctx.parameter(block, path, "bias"));
            }
            return List.of(gemm.output(out));
        }
        String transposed;
        try (NDArray t = block.getParameters().get("weight").getArray().transpose()) {
            transposed = ctx.constant(path, "weight_transposed", t);
        }
        String y = ctx.node("MatMul", path).input(x).input(transposed).output(out);
        if (bias) {
            y =
                    ctx.node("Add", path)
                            .input(y)
                            .input(ctx.parameter(block, path, "bias"))
                            .output(out);
        }
        return List.of(y);
    }
}
