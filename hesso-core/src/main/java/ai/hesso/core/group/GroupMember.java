package ai.hesso.core.group;

import java.util.Objects;

/**
 * One tensor of a node group: its name (the engine's parameter path) and where its channels lie.
 *
 * @param tensor the parameter name, e.g. {@code 01Conv2d_weight}
 * @param axis the axis that holds the node group's channels
 */
public record GroupMember(String tensor, ChannelAxis axis) {

    /**
     * Validates the member.
     *
     * @param tensor the parameter name, not blank
     * @param axis the channel axis, not null
     */
    public GroupMember {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(axis, "axis");
        if (tensor.isBlank()) {
            throw new IllegalArgumentException(
                    "a group member needs a tensor name, got a blank one");
        }
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
}
