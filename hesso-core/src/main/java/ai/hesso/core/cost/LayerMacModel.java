package ai.hesso.core.cost;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * A {@link CostModel} that sums {@link LayerMacs} terms: {@code cost(k) = sum over layers of
 * coefficient * input(k) * output(k)}. Exact for every layer whose MACs are a product of its input
 * and output widths (linear, convolution, depthwise convolution, batch and layer norm); layers that
 * multiply nothing are simply not listed.
 */
public final class LayerMacModel implements CostModel {

    private final List<LayerMacs> layers;
    private final Map<String, Integer> groupWidths;

    /**
     * Creates the model.
     *
     * @param layers the layers' terms, in the order they run
     * @param groupWidths every node group a term names, with its full channel count
     * @throws IllegalArgumentException naming a layer that refers to a node group without a width
     */
    public LayerMacModel(List<LayerMacs> layers, Map<String, Integer> groupWidths) {
        this.layers = List.copyOf(Objects.requireNonNull(layers, "layers"));
        this.groupWidths = Collections.unmodifiableMap(new LinkedHashMap<>(groupWidths));
        for (LayerMacs layer : this.layers) {
            for (Width width : List.of(layer.input(), layer.output())) {
                for (ChannelShare share : width.shares()) {
                    if (!this.groupWidths.containsKey(share.group())) {
                        throw new IllegalArgumentException(
                                "layer "
                                        + layer.layer()
                                        + " follows node group '"
                                        + share.group()
                                        + "', which has no width; known groups: "
                                        + this.groupWidths.keySet());
                    }
                }
            }
        }
    }

    /**
     * Returns the layers' terms.
     *
     * @return the terms, in the order given
     */
    public List<LayerMacs> layers() {
        return layers;
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, Integer> groupWidths() {
        return groupWidths;
    }

    /** {@inheritDoc} */
    @Override
    public long cost(ToIntFunction<String> keptChannels) {
        long total = 0;
        for (LayerMacs layer : layers) {
            total = Math.addExact(total, layer.macs(keptChannels));
        }
        return total;
    }

    @Override
    public String toString() {
        return "LayerMacModel[" + layers.size() + " layers, " + groupWidths.size() + " groups]";
    }
}
