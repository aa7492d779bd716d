package ai.hesso.core.group;

import java.util.List;
import java.util.Objects;

/**
 * A set of tensors whose channels must be removed together.
 *
 * <p>Channel {@code i} of the node group is the set of rows {@code i}, one per member tensor (the
 * out-channel {@code i} of a convolution weight and bias, entry {@code i} of the batch-norm gamma
 * and beta that follows, ...). A node group is <em>prunable</em> when zeroing those rows makes its
 * output exactly zero for every input; the consumers' input slices are not members.
 *
 * @param name a unique, human-readable name
 * @param channels the number of channels {@code n}, at least 1
 * @param members the member tensors, at least one, each tensor once
 * @param prunable whether the optimizer may zero this group's channels
 * @param reason why the group is not prunable, or an empty string when it is
 */
public record NodeGroup(
        String name, int channels, List<GroupMember> members, boolean prunable, String reason) {

    /**
     * Validates the node group and copies its member list.
     *
     * @param name a unique, human-readable name
     * @param channels the number of channels, at least 1
     * @param members the member tensors
     * @param prunable whether the optimizer may zero its channels
     * @param reason why it is not prunable (empty when it is)
     */
    public NodeGroup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(reason, "reason");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a node group needs a name, got a blank one");
        }
        if (channels < 1) {
            throw new IllegalArgumentException(
                    "node group '" + name + "' needs at least 1 channel, got " + channels);
        }
        if (members.isEmpty()) {
            throw new IllegalArgumentException(
                    "node group '" + name + "' needs at least one member tensor");
        }
        members = List.copyOf(members);
        long distinct = members.stream().map(GroupMember::tensor).distinct().count();
        if (distinct != members.size()) {
            throw new IllegalArgumentException(
                    "node group '" + name + "' lists a tensor twice: " + members);
        }
    }

    /**
     * A prunable node group.
     *
     * @param name a unique name
     * @param channels the number of channels
     * @param members the member tensors
     * @return the node group
     */
    public static NodeGroup prunable(String name, int channels, List<GroupMember> members) {
        return new NodeGroup(name, channels, members, true, "");
    }

    /**
     * A node group the optimizer must never zero.
     *
     * @param name a unique name
     * @param channels the number of channels
     * @param members the member tensors
     * @param reason why it cannot be pruned, shown in reports
     * @return the node group
     */
    public static NodeGroup unprunable(
            String name, int channels, List<GroupMember> members, String reason) {
        return new NodeGroup(name, channels, members, false, reason);
    }
}
