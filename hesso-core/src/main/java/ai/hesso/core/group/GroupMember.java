package ai.hesso.core.group;

import java.util.Objects;

/**
 * One tensor of a node group: its name (the engine's parameter path), where its channels lie, and
 * how many consecutive indices of that axis one channel owns.
 *
 * <p>Usually a channel owns one index (a filter, a unit). An attention head owns {@code k =
 * headSize} consecutive rows of each query, key and value projection: channel {@code c} then owns
 * the indices {@code [c k, (c + 1) k)} of the channel axis, and the tensor is viewed as {@code
 * (channels, -1)} with those rows side by side.
 *
 * @param tensor the parameter name, e.g. {@code 01Conv2d_weight}
 * @param axis the axis that holds the node group's channels
 * @param rowsPerChannel how many consecutive indices of {@code axis} one channel owns, at least 1
 */
public record GroupMember(String tensor, ChannelAxis axis, int rowsPerChannel) {

    /**
     * Validates the member.
     *
     * @param tensor the parameter name, not blank
     * @param axis the channel axis, not null
     * @param rowsPerChannel indices per channel on the axis, at least 1
     */
    public GroupMember {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(axis, "axis");
        if (tensor.isBlank()) {
            throw new IllegalArgumentException(
                    "a group member needs a tensor name, got a blank one");
        }
        if (rowsPerChannel < 1) {
            throw new IllegalArgumentException(
                    "member '"
                            + tensor
                            + "' needs at least one row per channel, got rowsPerChannel="
                            + rowsPerChannel);
        }
    }

    /**
     * A member whose channels own one index each on {@code axis}.
     *
     * @param tensor the parameter name, not blank
     * @param axis the channel axis, not null
     */
    public GroupMember(String tensor, ChannelAxis axis) {
        this(tensor, axis, 1);
    }

    /**
     * A member whose channels are on axis 0.
     *
     * @param tensor the parameter name
     * @return the member
     */
    public static GroupMember rows(String tensor) {
        return new GroupMember(tensor, ChannelAxis.FIRST);
    }

    /**
     * A member whose channels are runs of {@code rowsPerChannel} consecutive rows on axis 0 (an
     * attention head's rows of a projection).
     *
     * @param tensor the parameter name
     * @param rowsPerChannel rows per channel, at least 1
     * @return the member
     */
    public static GroupMember rowBlocks(String tensor, int rowsPerChannel) {
        return new GroupMember(tensor, ChannelAxis.FIRST, rowsPerChannel);
    }
}
