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
 *   <li>any other grouping: its input and output stay unprunable.
 * </ul>
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
                                + ") couples channels across groups (not supported)";
        ctx.blockAll(in, why);
        Trace result = ctx.produce(block, path, out, 1, PARAMETERS);
        ctx.blockAll(result, why);
        return List.of(result);
    }
}
