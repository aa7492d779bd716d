package ai.hesso.core.group;

import java.util.Arrays;
import java.util.Objects;

/**
 * The one check that a member tensor fits its node group: the tensor has the member's channel axis,
 * and that axis holds exactly the group's channel count.
 *
 * <p>Shapes are plain arrays, so that every engine (DJL's {@code Shape.getShape()}, the replay's
 * {@code int[]}, the reference engine's arrays) uses the same rule and the same messages.
 */
public final class MemberShapes {

    private MemberShapes() {}

    /**
     * Returns whether a tensor of this shape fits the member's place in the group.
     *
     * @param group the node group
     * @param member one of its members
     * @param shape the member tensor's shape
     * @return true when the shape has the member's channel axis and that axis holds {@code
     *     group.channels() * member.rowsPerChannel()} entries
     */
    public static boolean fits(NodeGroup group, GroupMember member, long[] shape) {
        int axis = member.axis().index();
        return shape.length > axis
                && shape[axis] == (long) group.channels() * member.rowsPerChannel();
    }

    /**
     * Checks that a tensor of this shape fits the member's place in the group.
     *
     * @param group the node group
     * @param member one of its members
     * @param shape the member tensor's shape
     * @throws IllegalArgumentException naming the group, its channel count, the tensor, its shape
     *     and the channel axis, when the shape does not fit
     */
    public static void check(NodeGroup group, GroupMember member, long[] shape) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(member, "member");
        if (fits(group, member, shape)) {
            return;
        }
        int axis = member.axis().index();
        String perChannel =
                member.rowsPerChannel() == 1 ? "" : " of " + member.rowsPerChannel() + " rows each";
        throw new IllegalArgumentException(
                "node group '"
                        + group.name()
                        + "' has "
                        + group.channels()
                        + " channels"
                        + perChannel
                        + ", but member tensor '"
                        + member.tensor()
                        + "' of shape "
                        + Arrays.toString(shape)
                        + (shape.length <= axis
                                ? " has no axis " + axis
                                : " has " + shape[axis] + " on its channel axis " + axis)
                        + "; every member needs the group's channel count"
                        + (member.rowsPerChannel() == 1 ? "" : " times its rows per channel")
                        + " on its channel axis");
    }

    /**
     * Checks that a tensor of this shape fits the member's place in the group.
     *
     * @param group the node group
     * @param member one of its members
     * @param shape the member tensor's shape
     * @throws IllegalArgumentException as {@link #check(NodeGroup, GroupMember, long[])}
     */
    public static void check(NodeGroup group, GroupMember member, int[] shape) {
        check(group, member, toLong(shape));
    }

    /**
     * Returns the channel count a tensor of this shape has on the member's channel axis, the count
     * a node group built around it would have.
     *
     * @param member the member
     * @param shape the member tensor's shape
     * @return the number of entries on the member's channel axis, divided by its rows per channel
     * @throws IllegalArgumentException naming the tensor, its shape and the axis, when the shape
     *     has no such axis
     */
    public static int channels(GroupMember member, int[] shape) {
        int axis = member.axis().index();
        if (shape.length <= axis) {
            throw new IllegalArgumentException(
                    "member tensor '"
                            + member.tensor()
                            + "' of shape "
                            + Arrays.toString(shape)
                            + " has rank "
                            + shape.length
                            + ", so it has no channel axis "
                            + axis);
        }
        return shape[axis] / member.rowsPerChannel();
    }

    private static long[] toLong(int[] shape) {
        return Arrays.stream(shape).asLongStream().toArray();
    }
}
