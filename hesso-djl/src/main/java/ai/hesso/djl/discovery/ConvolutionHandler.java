package ai.hesso.djl.discovery;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.convolutional.Convolution;
import java.util.List;
import java.util.Set;

/**
 * {@link Conv1d}, {@link Conv2d}, {@link Conv3d} with channels on axis 1.
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
 * <p>Transposed convolutions ({@code Conv1dTranspose}, {@code Conv2dTranspose}) have no handler:
 * DJL 0.29's PyTorch engine does not implement them (its {@code deconvolution} throws {@code
 * UnsupportedOperationException}), so they cannot be trained or sanity-checked here; discovery
 * reports them as unsupported, with their neighbours unprunable.
 */
final class ConvolutionHandler implements LayerHandler {

    private static final Set<Class<?>> TYPES = Set.of(Conv1d.class, Conv2d.class, Conv3d.class);
    private static final List<String> PARAMETERS = List.of("weight", "bias");

    /** {@inheritDoc} */
    @Override
    public boolean supports(Block block) {
        return TYPES.contains(block.getClass());
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(Block block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        if (inputs.size() != 1) {
            return ctx.unsupported(block, path, inputs, "expects one input", true);
        }
        Convolution conv = (Convolution) block;
        Trace in = ctx.relayout(inputs.get(0), 1, path);
        Shape out = block.getOutputShapes(new Shape[] {in.shape()})[0];
        long inChannels = in.shape().get(1);
        long filters = out.get(1);
        int groups = conv.getGroups();
        if (groups == 1) {
            ctx.consume(in, path, "weight", 1);
            return List.of(ctx.produce(block, path, out, 1, PARAMETERS));
        }
        boolean depthwise = groups == inChannels && filters == inChannels;
        if (depthwise && in.singleProducer()) {
            return List.of(ctx.follow(in, block, path, out, PARAMETERS, List.of()));
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
        Trace result = ctx.produce(block, path, out, 1, PARAMETERS);
        ctx.blockAll(result, why);
        return List.of(result);
    }
}
