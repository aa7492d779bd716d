package ai.hesso.djl.compact;

import java.util.Objects;

/**
 * The size and cost of one layer for one input sample; see {@link BlockCost} for what is counted.
 *
 * @param path the block path
 * @param kind the layer class's simple name
 * @param inChannels the channels the layer reads (a linear layer's input features, a convolution's
 *     input channels, a norm's normalised channels)
 * @param outChannels the channels it makes (units, filters; a norm's channels)
 * @param parameters the number of scalar values in the layer's parameters, trainable or not
 * @param macs the multiply-accumulate operations for one input sample
 */
public record LayerCost(
        String path, String kind, long inChannels, long outChannels, long parameters, long macs) {

    /**
     * Validates the record.
     *
     * @param path the block path, not null
     * @param kind the layer kind, not null
     * @param inChannels the input channels
     * @param outChannels the output channels
     * @param parameters the parameter count
     * @param macs the MAC count
     */
    public LayerCost {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kind, "kind");
    }
}
