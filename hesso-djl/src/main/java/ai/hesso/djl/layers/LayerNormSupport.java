package ai.hesso.djl.layers;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.Trace;
import ai.hesso.djl.export.ExportContext;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * {@link LayerNorm}: its mean and variance mix every channel of the normalised axes, so a zeroed
 * input channel changes the other channels: the producers feeding it stay unprunable. Gamma and
 * beta are coupled with those producers (the compact layer norm has the input's width). When the
 * normalised axes cannot be read the block is unsupported (the support does not guess them).
 *
 * <p>Cost: one MAC per output value, as a batch norm. Width: its input's. Rebuild: axes, epsilon,
 * center and scale copied.
 */
final class LayerNormSupport implements LayerSupport<LayerNorm> {

    /** {@inheritDoc} */
    @Override
    public Class<LayerNorm> blockType() {
        return LayerNorm.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(
            LayerNorm block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        if (inputs.size() != 1) {
            return ctx.unsupported(block, path, inputs, "expects one input", true);
        }
        Trace in = inputs.get(0);
        int rank = in.shape().dimension();
        int[] axes;
        if (Settings.isNull(block, LayerNorm.class, "axis")) {
            // DJL's default: normalise over every axis but the batch (normalizedShape = slice(1))
            axes = IntStream.range(1, rank).toArray();
        } else if (Settings.find(block, LayerNorm.class, "axis").orElse(null) instanceof int[] a
                && a.length > 0) {
            axes = a;
        } else {
            return ctx.unsupported(
                    block,
                    path,
                    inputs,
                    "cannot read the normalised axes (LayerNorm's field 'axis')",
                    true);
        }
        String why =
                "normalised by layer norm "
                        + path
                        + ": its mean and variance mix every channel, so no channel can be"
                        + " removed without changing the others";
        Shape out = block.getOutputShapes(new Shape[] {in.shape()})[0];
        int axis = axes[0] < 0 ? axes[0] + rank : axes[0];
        if (axes.length == 1) {
            in = ctx.relayout(in, axis, path);
            ctx.blockAll(in, why);
            if (in.singleProducer()) {
                return List.of(
                        ctx.follow(in, block, path, out, List.of("gamma", "beta"), List.of()));
            }
        } else {
            ctx.blockAll(in, why);
        }
        Trace result = ctx.produce(block, path, out, axis, List.of("gamma", "beta"));
        ctx.blockAll(result, why);
        return List.of(result);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] cost(LayerNorm block, String path, Shape[] inputs, CostContext ctx) {
        return NormCost.count(block, path, inputs, ctx);
    }

    /** {@inheritDoc} */
    @Override
    public LayerNorm rebuild(LayerNorm block, String path, RebuildContext ctx) {
        LayerNorm.Builder builder = LayerNorm.builder();
        // null is DJL's default (every axis but the batch), resolved again at initialization
        Settings.readNullable(block, LayerNorm.class, "axis", int[].class, path)
                .ifPresent(axis -> builder.axis(axis.clone()));
        return builder.optEpsilon(ctx.setting(block, LayerNorm.class, "epsilon", Float.class, path))
                .optCenter(ctx.setting(block, LayerNorm.class, "center", Boolean.class, path))
                .optScale(ctx.setting(block, LayerNorm.class, "scale", Boolean.class, path))
                .build();
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code LayerNormalization} over the trailing axes gamma covers (DJL's layer norm
     * normalises the last {@code normalizedShape.dimension()} axes, its gamma's shape), with its
     * epsilon; beta where it has one.
     */
    @Override
    public List<String> export(
            LayerNorm block, String path, List<String> inputs, ExportContext ctx) {
        Optional<Object> epsRead = Settings.find(block, LayerNorm.class, "epsilon");
        if (inputs.size() != 1 || epsRead.isEmpty() || !(epsRead.get() instanceof Float eps)) {
            throw ctx.refuse(
                    block, path, "expects one input and a readable epsilon (field 'epsilon')");
        }
        String x = inputs.get(0);
        Shape in = ctx.shape(x);
        Shape normalized = block.getParameters().get("gamma").getArray().getShape();
        int axis = in.dimension() - normalized.dimension();
        if (axis < 1 || !in.slice(axis).equals(normalized)) {
            throw ctx.refuse(
                    block,
                    path,
                    "its gamma "
                            + normalized
                            + " does not cover trailing non-batch axes of its input "
                            + in);
        }
        ExportContext.Node node =
                ctx.node("LayerNormalization", path)
                        .input(x)
                        .input(ctx.parameter(block, path, "gamma"))
                        .attribute("axis", (long) axis)
                        .attribute("epsilon", eps);
        if (ExportContext.hasParameter(block, "beta")) {
            node.input(ctx.parameter(block, path, "beta"));
        }
        return List.of(node.output(in));
    }
}
