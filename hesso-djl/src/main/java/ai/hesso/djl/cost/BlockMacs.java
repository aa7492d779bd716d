package ai.hesso.djl.cost;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.hesso.core.cost.ChannelShare;
import ai.hesso.core.cost.LayerMacModel;
import ai.hesso.core.cost.LayerMacs;
import ai.hesso.core.cost.Width;
import ai.hesso.core.group.ChannelAxis;
import ai.hesso.core.group.GroupMember;
import ai.hesso.djl.compact.BlockCost;
import ai.hesso.djl.compact.LayerCost;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.djl.discovery.ParameterSlice;
import ai.hesso.djl.layers.MacShape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the MAC cost model of an initialized block: each layer that {@link BlockCost} counts
 * becomes a {@link LayerMacs} term {@code coefficient * input(k) * output(k)}, with its output
 * width following the node group its weight (or a norm's gamma) is a member of, and its input width
 * following every node group whose consumer slice lies on its weight's axis 1 (with {@code
 * columnsPerChannel} columns per channel, {@code H * W} after a flatten).
 *
 * <p>Which parameter's rows and columns a layer's MACs scale with is the layer's own knowledge: its
 * {@link ai.hesso.djl.layers.LayerSupport#cost} records a {@link MacShape} beside the count (the
 * weight for linear and convolution layers, the gamma for norms, the heads' query rows for the
 * attention products), and a member with several rows per channel (a head) counts that many rows
 * per kept channel. The coefficient is the layer's dense MACs divided by its dense input columns
 * and output channels: {@code positions} for a linear layer, {@code H' W' prod(kernel)} for a
 * convolution, the positions per channel for a norm (whose input counts as 1). So at every choice
 * of kept widths the model gives exactly what {@link BlockCost} counts for the compact model that
 * {@code Compaction} builds with those widths; layers that {@link BlockCost} counts as 0 MACs are
 * left out.
 */
public final class BlockMacs {

    private BlockMacs() {}

    /**
     * Builds the cost model with the default discovery.
     *
     * @param block the initialized block
     * @param inputShapes its input shapes, batch axis first (MACs are per sample)
     * @return the cost model
     * @throws IllegalStateException if a layer's MACs are not a product of its widths
     */
    public static LayerMacModel of(Block block, Shape... inputShapes) {
        return of(
                block, GroupDiscovery.builder().build().discover(block, inputShapes), inputShapes);
    }

    /**
     * Builds the cost model from a discovery report of the block.
     *
     * @param block the initialized block
     * @param report its discovery report (node groups and consumer slices)
     * @param inputShapes its input shapes, batch axis first
     * @return the cost model; its group widths are those of every group in the report
     * @throws IllegalStateException if a layer's MACs are not a product of its widths, naming the
     *     layer
     */
    public static LayerMacModel of(Block block, DiscoveryReport report, Shape... inputShapes) {
        Objects.requireNonNull(report, "report");
        BlockCost cost = BlockCost.of(block, report.layers(), inputShapes);
        Map<String, Parameter> parameters = block.getParameters().toMap();
        Map<String, Integer> widths = new LinkedHashMap<>();
        Map<String, List<ChannelShare>> inputsByParameter = new HashMap<>();
        for (DiscoveredGroup group : report.groups()) {
            widths.put(group.name(), group.group().channels());
            for (ParameterSlice slice : group.consumers()) {
                if (slice.axis() == 1) {
                    inputsByParameter
                            .computeIfAbsent(slice.parameter(), p -> new ArrayList<>())
                            .add(new ChannelShare(group.name(), slice.columnsPerChannel()));
                }
            }
        }
        List<LayerMacs> terms = new ArrayList<>();
        for (int i = 0; i < cost.layers().size(); i++) {
            LayerCost layer = cost.layers().get(i);
            if (layer.macs() > 0) {
                terms.add(
                        term(
                                layer,
                                cost.macShapes().get(i),
                                parameters,
                                report,
                                widths,
                                inputsByParameter));
            }
        }
        return new LayerMacModel(terms, widths);
    }

    private static LayerMacs term(
            LayerCost layer,
            MacShape macShape,
            Map<String, Parameter> parameters,
            DiscoveryReport report,
            Map<String, Integer> widths,
            Map<String, List<ChannelShare>> inputsByParameter) {
        String owner = macShape.outputRows();
        String columns = macShape.inputColumns();
        if (!parameters.containsKey(owner)
                || (columns != null && !parameters.containsKey(columns))) {
            throw new IllegalStateException(
                    "layer "
                            + layer.path()
                            + " ("
                            + layer.kind()
                            + ") scales its MACs with parameters "
                            + owner
                            + (columns == null ? "" : " and " + columns)
                            + ", which the block does not have");
        }
        long outChannels = shape(parameters.get(owner)).get(0);
        long inColumns = columns == null ? 1 : shape(parameters.get(columns)).get(1);
        List<ChannelShare> shares =
                columns == null ? List.of() : inputsByParameter.getOrDefault(columns, List.of());
        long fixedColumns = inColumns;
        for (ChannelShare share : shares) {
            fixedColumns -= share.columnsPerChannel() * widths.get(share.group());
        }
        if (fixedColumns < 0 || layer.macs() % (inColumns * outChannels) != 0) {
            throw new IllegalStateException(
                    "the MACs of layer "
                            + layer.path()
                            + " ("
                            + layer.kind()
                            + ", "
                            + layer.macs()
                            + ") are not a product of its "
                            + inColumns
                            + " input columns and "
                            + outChannels
                            + " output channels; it cannot be budgeted");
        }
        Width input = new Width(fixedColumns, shares);
        Width output = output(report, owner, outChannels);
        return new LayerMacs(layer.path(), layer.macs() / (inColumns * outChannels), input, output);
    }

    /**
     * The width of a tensor's rows: the node group they are members of (each channel owning its
     * rows per channel), or fixed when they are in no group or the group does not cover them all.
     */
    private static Width output(DiscoveryReport report, String tensor, long rows) {
        for (DiscoveredGroup g : report.groups()) {
            for (GroupMember m : g.group().members()) {
                if (m.tensor().equals(tensor)
                        && m.axis() == ChannelAxis.FIRST
                        && (long) g.group().channels() * m.rowsPerChannel() == rows) {
                    return new Width(0, List.of(new ChannelShare(g.name(), m.rowsPerChannel())));
                }
            }
        }
        return Width.fixed(rows);
    }

    private static Shape shape(Parameter parameter) {
        return parameter.getArray().getShape();
    }
}
