package ai.hesso.djl.discovery;

import java.util.Objects;

/**
 * A slice of a parameter that follows a node group's channels without being a member of it: an
 * input slice of a consumer layer (cut when the compact network is built) or a non-trainable
 * companion such as a batch-norm running mean.
 *
 * <p>Channel {@code c} of the segment covers the indices {@code [offset + c * columnsPerChannel,
 * offset + (c + 1) * columnsPerChannel)} on {@code axis}. A flatten after a convolution makes
 * {@code columnsPerChannel = H * W}; otherwise it is 1.
 *
 * @param parameter the parameter path, as a key of {@code block.getParameters()}
 * @param axis the tensor axis the slice lies on
 * @param offset the index of the group's channel 0 on that axis
 * @param columnsPerChannel how many consecutive indices one channel covers, at least 1
 */
public record ParameterSlice(String parameter, int axis, long offset, long columnsPerChannel) {

    /**
     * Validates the slice.
     *
     * @param parameter the parameter path, not blank
     * @param axis the axis, at least 0
     * @param offset the first index, at least 0
     * @param columnsPerChannel indices per channel, at least 1
     */
    public ParameterSlice {
        Objects.requireNonNull(parameter, "parameter");
        if (parameter.isBlank()) {
            throw new IllegalArgumentException("a parameter slice needs a parameter path");
        }
        if (axis < 0 || offset < 0 || columnsPerChannel < 1) {
            throw new IllegalArgumentException(
                    "slice of '"
                            + parameter
                            + "' needs axis >= 0, offset >= 0 and columnsPerChannel >= 1, got axis="
                            + axis
                            + ", offset="
                            + offset
                            + ", columnsPerChannel="
                            + columnsPerChannel);
        }
    }

    /**
     * Returns the first index (inclusive) that channel {@code channel} covers on the axis.
     *
     * @param channel the channel of the node group, at least 0
     * @return {@code offset + channel * columnsPerChannel}
     */
    public long start(int channel) {
        return offset + channel * columnsPerChannel;
    }

    /**
     * Returns the end index (exclusive) that channel {@code channel} covers on the axis.
     *
     * @param channel the channel of the node group, at least 0
     * @return {@code offset + (channel + 1) * columnsPerChannel}
     */
    public long end(int channel) {
        return start(channel) + columnsPerChannel;
    }

    @Override
    public String toString() {
        String cols = columnsPerChannel == 1 ? "" : ", " + columnsPerChannel + " columns/channel";
        return parameter + "[axis " + axis + ", offset " + offset + cols + "]";
    }
}
