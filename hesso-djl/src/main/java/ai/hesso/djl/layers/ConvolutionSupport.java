package ai.hesso.djl.layers;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.convolutional.Convolution;
import ai.hesso.djl.compact.CompactionException;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.Trace;
import ai.hesso.djl.export.ExportContext;
import java.util.List;
import java.util.Optional;

/**
 * {@link Conv1d}, {@link Conv2d}, {@link Conv3d} with channels on axis 1 (one instance per class).
 *
 * <p>Discovery:
 *
 * <ul>
 *   <li>{@code groups = 1}: reads its input channels (weight axis 1) and makes a new producer
 *       (weight rows, bias);
 *   <li>depthwise ({@code groups = in = out channels}): output channel c is made from input channel
 *       c alone, so the weight and bias join the input's producer;
 *   <li>any other grouping ({@code 1 < groups}, not depthwise): its input and output stay
 *       unprunable. The weight is {@code (filters, in / groups, k...)}: input channel {@code i} is
 *       read only by the filters of group {@code i / (in / groups)}, through weight column {@code i
 *       mod (in / groups)}. Removing input channel {@code i} would remove that column from one
 *       group's filters only, and removing one filter would shrink one group only; a single weight
 *       tensor cannot hold groups of unequal size. The removals that keep the layout take the same
 *       position from every group at once (channel {@code j} of each group), whose rows {@code j, j
 *       + n / groups, ...} are strided, not one run of consecutive rows, and a node group's member
 *       owns one index or one run per channel ({@link
 *       ai.hesso.core.group.GroupMember#rowsPerChannel()}). Torch-Pruning prunes such layers by
 *       pruning every group alike; that is not expressible here yet.
 * </ul>
 *
 * <p>Cost: {@code outputs * (inChannels / groups) * prod(kernel)} MACs, {@code outputs} the number
 * of output values (a depthwise convolution reads one channel per output); the bias add is not
 * counted. Width: the filters, and the groups (a depthwise convolution keeps {@code groups =
 * filters}); a grouped one can only keep its width. Rebuild: kernel, stride, padding, dilation and
 * bias copied.
 *
 * <p>Transposed convolutions ({@code Conv1dTranspose}, {@code Conv2dTranspose}) have no support:
 * DJL 0.29's PyTorch engine does not implement them (its {@code deconvolution} throws {@code
 * UnsupportedOperationException}), so they cannot be trained or sanity-checked here; discovery
 * reports them as unsupported, with their neighbours unprunable.
 *
 * @param <C> the convolution class
 */
final class ConvolutionSupport<C extends Convolution> implements LayerSupport<C> {

    private static final List<String> PARAMETERS = List.of("weight", "bias");

    private final Class<C> type;

    ConvolutionSupport(Class<C> type) {
        this.type = type;
    }

    /** {@inheritDoc} */
    @Override
    public Class<C> blockType() {
        return type;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(C conv, String path, List<Trace> inputs, DiscoveryContext ctx) {
        if (inputs.size() != 1) {
            return ctx.unsupported(conv, path, inputs, "expects one input", true);
        }
        Trace in = ctx.relayout(inputs.get(0), 1, path);
        Shape out = conv.getOutputShapes(new Shape[] {in.shape()})[0];
        long inChannels = in.shape().get(1);
        long filters = out.get(1);
        int groups = conv.getGroups();
        if (groups == 1) {
            ctx.consume(in, path, "weight", 1);
            return List.of(ctx.produce(conv, path, out, 1, PARAMETERS));
        }
        boolean depthwise = groups == inChannels && filters == inChannels;
        if (depthwise && in.singleProducer()) {
            return List.of(ctx.follow(in, conv, path, out, PARAMETERS, List.of()));
        }
        String why =
                depthwise
                        ? "depthwise convolution "
                                + path
                                + " reads channels from several producers (not supported)"
                        : "grouped convolution "
                                + path
                                + " (groups="
                                + groups
                                + "): removing one of its input channels or filters would leave"
                                + " its groups unequal, which one weight tensor cannot hold (not"
                                + " supported)";
        ctx.blockAll(in, why);
        Trace result = ctx.produce(conv, path, out, 1, PARAMETERS);
        ctx.blockAll(result, why);
        return List.of(result);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] cost(C conv, String path, Shape[] inputs, CostContext ctx) {
        Shape[] result = conv.getOutputShapes(inputs);
        Shape w = CostContext.shape(conv, "weight");
        long perOutput = w.size() / w.get(0);
        ctx.add(
                path,
                conv,
                w.get(1) * conv.getGroups(),
                w.get(0),
                ctx.perSample(result[0]) * perOutput,
                MacShape.weight(CostContext.parameter(path, "weight")));
        return result;
    }

    /** {@inheritDoc} */
    @Override
    public Optional<LayerWidth> configuredWidth(C conv, String path) {
        return Optional.of(
                new LayerWidth(path, type.getSimpleName(), conv.getFilters(), conv.getGroups()));
    }

    /** {@inheritDoc} */
    @Override
    public Optional<LayerWidth> width(C conv, String path, RemovedIndices removed) {
        String weight = CostContext.parameter(path, "weight");
        Shape shape = removed.shape(weight);
        long filters = shape.get(0) - removed.count(weight, 0);
        int groups = conv.getGroups();
        String kind = type.getSimpleName();
        if (groups == 1) {
            return Optional.of(new LayerWidth(path, kind, filters, 1));
        }
        boolean depthwise = groups == shape.get(0) && shape.get(1) == 1;
        if (depthwise) {
            return Optional.of(new LayerWidth(path, kind, filters, Math.toIntExact(filters)));
        }
        if (filters != shape.get(0) || removed.count(weight, 1) > 0) {
            throw new CompactionException(
                    path,
                    "cannot rebuild block "
                            + DiscoveryContext.displayPath(path)
                            + " ("
                            + type.getName()
                            + "): a grouped convolution (groups="
                            + groups
                            + ") can only keep its width; only groups = 1 and depthwise"
                            + " convolutions can lose channels");
        }
        return Optional.of(new LayerWidth(path, kind, filters, groups));
    }

    /** {@inheritDoc} */
    @Override
    public C rebuild(C old, String path, RebuildContext ctx) {
        LayerWidth w = ctx.width(old, path);
        int filters = Math.toIntExact(w.width());
        int groups = w.groups();
        Convolution built;
        if (type == Conv1d.class) {
            built = copySettings(Conv1d.builder(), old, filters, groups).build();
        } else if (type == Conv2d.class) {
            built = copySettings(Conv2d.builder(), old, filters, groups).build();
        } else {
            built = copySettings(Conv3d.builder(), old, filters, groups).build();
        }
        return type.cast(built);
    }

    /** {@inheritDoc} */
    @Override
    public Optional<Block> withBiasForFolding(C block, int normAxis, int rank) {
        if (normAxis != 1) {
            return Optional.empty();
        }
        int filters = block.getFilters();
        int groups = block.getGroups();
        Convolution built;
        if (type == Conv1d.class) {
            built = copySettings(Conv1d.builder(), block, filters, groups).optBias(true).build();
        } else if (type == Conv2d.class) {
            built = copySettings(Conv2d.builder(), block, filters, groups).optBias(true).build();
        } else {
            built = copySettings(Conv3d.builder(), block, filters, groups).optBias(true).build();
        }
        return Optional.of(built);
    }

    /** Gives a builder the old convolution's settings with new filters and groups. */
    private static <B extends Convolution.ConvolutionBuilder<?>> B copySettings(
            B builder, Convolution old, int filters, int groups) {
        builder.setKernelShape(old.getKernelShape());
        builder.optStride(old.getStride());
        builder.optPadding(old.getPadding());
        builder.optDilation(old.getDilation());
        builder.setFilters(filters);
        builder.optGroups(groups);
        builder.optBias(old.isIncludeBias());
        return builder;
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code Conv} with the kernel, strides, symmetric pads, dilations and groups.
     */
    @Override
    public List<String> export(C conv, String path, List<String> inputs, ExportContext ctx) {
        if (inputs.size() != 1) {
            throw ctx.refuse(conv, path, "expects one input, got " + inputs.size());
        }
        Shape in = ctx.shape(inputs.get(0));
        Shape out = conv.getOutputShapes(new Shape[] {in})[0];
        long[] padding = conv.getPadding().getShape();
        long[] pads = new long[2 * padding.length];
        for (int i = 0; i < padding.length; i++) {
            pads[i] = padding[i];
            pads[i + padding.length] = padding[i];
        }
        ExportContext.Node node =
                ctx.node("Conv", path)
                        .input(inputs.get(0))
                        .input(ctx.parameter(conv, path, "weight"))
                        .attribute("kernel_shape", conv.getKernelShape().getShape())
                        .attribute("strides", conv.getStride().getShape())
                        .attribute("pads", pads)
                        .attribute("dilations", conv.getDilation().getShape())
                        .attribute("group", (long) conv.getGroups());
        if (ExportContext.hasParameter(conv, "bias")) {
            node.input(ctx.parameter(conv, path, "bias"));
        }
        return List.of(node.output(out));
    }
}
