package ai.hesso.djl.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.norm.BatchNorm;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.Trace;
import ai.hesso.djl.export.ExportContext;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link BatchNorm}: normalises each channel on its own, so gamma and beta join the producer of its
 * input (zeroing them zeroes the output channel exactly) and the running mean and variance are
 * companions compaction slices. A batch norm over several producers (after a concatenation) is left
 * unprunable. The normalised axis is read from the block; when it cannot be read the block is
 * unsupported (the support does not guess it).
 *
 * <p>Cost: one MAC per output value (the scale and shift {@code y = a * x + b} with the constants
 * folded); computing the statistics is not counted. Width: its input's. Rebuild: axis, epsilon,
 * momentum, center and scale copied.
 */
final class BatchNormSupport implements LayerSupport<BatchNorm> {

    private final Function<Block, Optional<Object>> axisReader;

    /** A support that reads BatchNorm's private {@code axis} field. */
    BatchNormSupport() {
        this(block -> Settings.find(block, BatchNorm.class, "axis"));
    }

    /**
     * A support with another way to read the axis (tests simulate a failed read).
     *
     * @param axisReader returns the block's axis, or empty when it cannot be read
     */
    BatchNormSupport(Function<Block, Optional<Object>> axisReader) {
        this.axisReader = axisReader;
    }

    /** {@inheritDoc} */
    @Override
    public Class<BatchNorm> blockType() {
        return BatchNorm.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(
            BatchNorm block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        if (inputs.size() != 1) {
            return ctx.unsupported(block, path, inputs, "expects one input", true);
        }
        Optional<Object> read = axisReader.apply(block);
        if (read.isEmpty() || !(read.get() instanceof Integer)) {
            return ctx.unsupported(
                    block,
                    path,
                    inputs,
                    "cannot read the normalised axis (BatchNorm's private field 'axis'), so the"
                            + " channel axis is unknown",
                    true);
        }
        Trace in = inputs.get(0);
        int rank = in.shape().dimension();
        int axis = (Integer) read.get();
        axis = axis < 0 ? axis + rank : axis;
        in = ctx.relayout(in, axis, path);
        Shape out = block.getOutputShapes(new Shape[] {in.shape()})[0];
        return List.of(
                ctx.follow(
                        in,
                        block,
                        path,
                        out,
                        List.of("gamma", "beta"),
                        List.of("runningMean", "runningVar")));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] cost(BatchNorm block, String path, Shape[] inputs, CostContext ctx) {
        return NormCost.count(block, path, inputs, ctx);
    }

    /** {@inheritDoc} */
    @Override
    public BatchNorm rebuild(BatchNorm block, String path, RebuildContext ctx) {
        return rebuilt(BatchNorm.builder(), block, path, ctx);
    }

    /** Names the type of DJL's {@code BatchNorm.builder()} ({@code BaseBuilder<?>}). */
    private static <T extends BatchNorm.BaseBuilder<T>> BatchNorm rebuilt(
            BatchNorm.BaseBuilder<T> builder, BatchNorm old, String path, RebuildContext ctx) {
        return copySettings(builder.self(), old, path, ctx).build();
    }

    /**
     * Gives a batch norm builder (a plain or a ghost one) the old norm's axis, epsilon, momentum,
     * center and scale.
     */
    static <T extends BatchNorm.BaseBuilder<T>> T copySettings(
            T builder, BatchNorm old, String path, RebuildContext ctx) {
        return builder.optAxis(ctx.setting(old, BatchNorm.class, "axis", Integer.class, path))
                .optEpsilon(ctx.setting(old, BatchNorm.class, "epsilon", Float.class, path))
                .optMomentum(ctx.setting(old, BatchNorm.class, "momentum", Float.class, path))
                .optCenter(ctx.setting(old, BatchNorm.class, "center", Boolean.class, path))
                .optScale(ctx.setting(old, BatchNorm.class, "scale", Boolean.class, path));
    }

    /**
     * {@inheritDoc}
     *
     * <p>At inference a batch norm is the per-channel {@code y = s x + t} with {@code s = gamma /
     * sqrt(var + eps)} and {@code t = beta - mean s}: written as {@code Mul} and {@code Add} with
     * {@code s} and {@code t} shaped to broadcast on its axis, whatever the axis (ONNX's {@code
     * BatchNormalization} needs the channels on axis 1). One that follows a convolution or linear
     * layer is usually folded into it first ({@code BatchNormFolding}).
     */
    @Override
    public List<String> export(
            BatchNorm block, String path, List<String> inputs, ExportContext ctx) {
        Optional<Object> axisRead = axisReader.apply(block);
        Optional<Object> epsRead = Settings.find(block, BatchNorm.class, "epsilon");
        if (inputs.size() != 1
                || axisRead.isEmpty()
                || !(axisRead.get() instanceof Integer a)
                || epsRead.isEmpty()
                || !(epsRead.get() instanceof Float eps)) {
            throw ctx.refuse(
                    block,
                    path,
                    "expects one input and a readable axis and epsilon (private fields 'axis',"
                            + " 'epsilon')");
        }
        String x = inputs.get(0);
        Shape in = ctx.shape(x);
        int rank = in.dimension();
        int axis = a < 0 ? a + rank : a;
        NDArray gamma = block.getParameters().get("gamma").getArray();
        long[] dims = new long[rank - axis];
        Arrays.fill(dims, 1);
        dims[0] = in.get(axis);
        Shape broadcast = new Shape(dims);
        String scale;
        String shift;
        try (NDManager scope = gamma.getManager().newSubManager()) {
            NDArray g = inScope(gamma, scope);
            NDArray beta = inScope(block.getParameters().get("beta").getArray(), scope);
            NDArray mean = inScope(block.getParameters().get("runningMean").getArray(), scope);
            NDArray var = inScope(block.getParameters().get("runningVar").getArray(), scope);
            NDArray s = g.div(var.add(eps).sqrt());
            NDArray t = beta.sub(mean.mul(s));
            scale = ctx.constant(path, "scale", s.toFloatArray(), broadcast);
            shift = ctx.constant(path, "shift", t.toFloatArray(), broadcast);
        }
        String scaled = ctx.node("Mul", path).input(x).input(scale).output(in);
        return List.of(ctx.node("Add", path).input(scaled).input(shift).output(in));
    }

    private static NDArray inScope(NDArray array, NDManager scope) {
        NDArray copy = array.duplicate();
        copy.attach(scope);
        return copy;
    }
}
