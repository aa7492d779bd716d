package ai.hesso.core.cost;

import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * One layer's multiply-accumulates as {@code coefficient * input(k) * output(k)}, with {@code k}
 * the kept widths of the node groups.
 *
 * <p>Every layer a MAC counter counts is of this form: a linear layer applied at {@code P}
 * positions costs {@code P * inFeatures * units} (coefficient {@code P}); a convolution costs
 * {@code H' W' * prod(kernel) * inChannels * filters} (coefficient {@code H' W' * prod(kernel)}); a
 * depthwise convolution {@code H' W' * prod(kernel) * 1 * channels}; a batch norm one MAC per
 * output value, {@code H W * 1 * channels}. Removing a producer's channel lowers the producer's
 * {@code output} and every consumer's {@code input}, which is how the consumers' input columns
 * enter a channel's saving.
 *
 * @param layer the layer's name, for reports
 * @param coefficient MACs per input column and output channel, at least 0
 * @param input the input width, in the layer's input columns
 * @param output the output width, in channels
 */
public record LayerMacs(String layer, long coefficient, Width input, Width output) {

    /**
     * Validates.
     *
     * @param layer not null
     * @param coefficient at least 0
     * @param input not null
     * @param output not null
     */
    public LayerMacs {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        if (coefficient < 0) {
            throw new IllegalArgumentException(
                    "layer " + layer + " needs a coefficient >= 0, got " + coefficient);
        }
    }

    /**
     * Returns the layer's MACs at the given widths.
     *
     * @param keptChannels the kept width of each node group, by name
     * @return {@code coefficient * input(k) * output(k)}
     */
    public long macs(ToIntFunction<String> keptChannels) {
        return Math.multiplyExact(
                Math.multiplyExact(coefficient, input.at(keptChannels)), output.at(keptChannels));
    }
}
