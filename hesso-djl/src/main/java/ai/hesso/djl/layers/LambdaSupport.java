package ai.hesso.djl.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.training.ParameterStore;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.Probes;
import ai.hesso.djl.discovery.Trace;
import ai.hesso.djl.export.ExportContext;
import ai.hesso.djl.export.FunctionCatalogue;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * {@link LambdaBlock}: a black box, identified by probing it on small random arrays.
 *
 * <ul>
 *   <li>channel-wise and zero-preserving (relu, gelu, tanh, identity, max or average pooling, a
 *       mean over the tokens of {@code (N, T, C)} with the channels last): channels pass through;
 *   <li>channel-wise but not zero-preserving (sigmoid maps 0 to 0.5): channels pass through and
 *       their producers are blocked, since a zeroed channel would still feed the next layer;
 *   <li>a batch flatten {@code (N, C, ...) -> (N, C * H * W)}: channel c covers columns {@code [c *
 *       H * W, (c + 1) * H * W)};
 *   <li>anything else is unsupported.
 * </ul>
 *
 * <p>Cost: 0 MACs and not listed (it multiplies by no weight; pooling's additions are not counted).
 * Rebuild: the same function under the same name; its width is its input's.
 *
 * <p>A lambda that only works at the traced width (a reshape to a hard-coded channel count) leaves
 * its input's producers unprunable ({@link DiscoveryContext#blockFixedWidth}).
 */
final class LambdaSupport implements LayerSupport<LambdaBlock> {

    /** {@inheritDoc} */
    @Override
    public Class<LambdaBlock> blockType() {
        return LambdaBlock.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(
            LambdaBlock block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        if (inputs.size() != 1) {
            return ctx.unsupported(block, path, inputs, "lambda with several inputs", true);
        }
        Trace in = inputs.get(0);
        Shape inShape = in.shape();
        Shape[] outs = block.getOutputShapes(new Shape[] {inShape});
        if (outs.length != 1) {
            return ctx.unsupported(block, path, inputs, "lambda with several outputs", true);
        }
        Shape out = outs[0];
        int axis = in.channelAxis();
        ParameterStore store = new ParameterStore(ctx.probes().manager(), false);
        UnaryOperator<NDArray> f =
                x -> block.forward(store, new NDList(x), false).singletonOrThrow();
        // the channels stay on their axis, or stay last when a middle axis is reduced away
        // (a mean over the tokens of (N, T, C) gives (N, C))
        int outAxis =
                out.dimension() == inShape.dimension() - 1 && axis == inShape.dimension() - 1
                        ? axis - 1
                        : axis;
        boolean keepsChannels =
                out.dimension() > outAxis
                        && (outAxis == axis || outAxis >= 1)
                        && inShape.dimension() >= 1
                        && out.get(0) == inShape.get(0)
                        && out.get(outAxis) == inShape.get(axis);
        if (keepsChannels) {
            Probes.Verdict verdict = ctx.probes().channelwise(f, inShape, axis, outAxis);
            if (verdict != Probes.Verdict.NOT_CHANNELWISE) {
                ctx.blockFixedWidth(in, path, f, out, outAxis, 1);
            }
            switch (verdict) {
                case CHANNELWISE:
                    return List.of(in.withShape(out, outAxis));
                case NOT_ZERO_PRESERVING:
                    ctx.blockAll(
                            in,
                            "lambda "
                                    + path
                                    + " maps a zero channel to a non-zero one (like sigmoid): the"
                                    + " next layer would still see it");
                    return List.of(in.withShape(out, outAxis));
                default:
                    return ctx.unsupported(
                            block, path, inputs, "lambda mixes channels on axis " + axis, true);
            }
        }
        boolean flattenShape =
                inShape.dimension() >= 3
                        && out.dimension() == 2
                        && out.get(0) == inShape.get(0)
                        && out.get(1) * inShape.get(0) == inShape.size();
        if (flattenShape && ctx.probes().isFlatten(f, inShape)) {
            if (axis != 1) {
                ctx.blockAll(in, "flattened by " + path + " with channels on axis " + axis);
                return List.of(ctx.opaque(path, out, "flatten of channels-last data"));
            }
            long spatial = inShape.slice(2).size();
            ctx.blockFixedWidth(in, path, f, out, 1, spatial);
            return List.of(in.flattened(spatial, out));
        }
        return ctx.unsupported(
                block,
                path,
                inputs,
                "lambda changes shape " + inShape + " -> " + out + " in a way no probe recognises",
                true);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] cost(LambdaBlock block, String path, Shape[] inputs, CostContext ctx) {
        return block.getOutputShapes(inputs);
    }

    /** {@inheritDoc} */
    @Override
    @SuppressWarnings("unchecked")
    public LambdaBlock rebuild(LambdaBlock block, String path, RebuildContext ctx) {
        Function<NDList, NDList> lambda =
                ctx.setting(block, LambdaBlock.class, "lambda", Function.class, path);
        return new LambdaBlock(lambda, block.getName());
    }

    /**
     * {@inheritDoc}
     *
     * <p>The function as the {@link FunctionCatalogue} identifies it on random inputs (its DJL
     * name, where it has one, only orders the candidates); an unknown function is refused.
     */
    @Override
    @SuppressWarnings("unchecked")
    public List<String> export(
            LambdaBlock block, String path, List<String> inputs, ExportContext ctx) {
        if (inputs.size() != 1) {
            throw ctx.refuse(block, path, "a lambda with " + inputs.size() + " inputs");
        }
        Shape in = ctx.shape(inputs.get(0));
        Shape[] outs = block.getOutputShapes(new Shape[] {in});
        Function<NDList, NDList> f =
                (Function<NDList, NDList>)
                        Settings.find(block, LambdaBlock.class, "lambda").orElse(null);
        if (f == null || outs.length != 1) {
            throw ctx.refuse(
                    block,
                    path,
                    "its function cannot be read (private field 'lambda') or gives "
                            + outs.length
                            + " outputs");
        }
        FunctionCatalogue.Known known =
                ctx.functions()
                        .identify(
                                block,
                                path,
                                f,
                                // DJL's default name says nothing about the function
                                LambdaBlock.DEFAULT_NAME.equals(block.getName())
                                        ? null
                                        : block.getName(),
                                in,
                                outs[0]);
        return List.of(known.emit(ctx, inputs, path));
    }
}
