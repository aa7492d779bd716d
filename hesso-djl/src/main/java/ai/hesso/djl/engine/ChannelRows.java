package ai.hesso.djl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.hesso.core.group.ChannelAxis;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.MemberShapes;
import ai.hesso.core.group.NodeGroup;
import java.util.Arrays;
import java.util.Objects;

/**
 * The one view of "the rows of channel {@code c}" of a node group's member tensor, for every place
 * that reads or writes them: the engine's row masks and channel statistics, the baselines' removal
 * masks and magnitude scores, compaction's zero-channel detection and removal plan.
 *
 * <p>Channel {@code c} of a member with {@code k = rowsPerChannel} owns the indices {@code [c k, (c
 * + 1) k)} of the member's channel axis ({@link GroupMember}): one index (a filter, a unit) for
 * most layers, a run of {@code H} rows for an attention head. Seen as a matrix, the tensor has one
 * row per channel ({@link #matrix}); a per-channel multiplier is repeated {@code k} times along the
 * axis ({@link #perIndex}) and shaped to broadcast over the tensor ({@link #broadcastShape}).
 */
public final class ChannelRows {

    private ChannelRows() {}

    /**
     * Returns the first index channel {@code channel} owns on the member's channel axis.
     *
     * @param member the member
     * @param channel the channel, at least 0
     * @return {@code channel * rowsPerChannel}
     */
    public static long start(GroupMember member, int channel) {
        return (long) channel * member.rowsPerChannel();
    }

    /**
     * Returns the end index (exclusive) channel {@code channel} owns on the member's channel axis.
     *
     * @param member the member
     * @param channel the channel, at least 0
     * @return {@code (channel + 1) * rowsPerChannel}
     */
    public static long end(GroupMember member, int channel) {
        return start(member, channel) + member.rowsPerChannel();
    }

    /**
     * Views a member tensor as a {@code (channels, -1)} matrix whose row {@code c} holds every
     * value channel {@code c} owns, after checking that the tensor fits the member ({@link
     * MemberShapes#check}). The result is a new array in the tensor's manager.
     *
     * @param tensor the member's tensor
     * @param group the node group
     * @param member the member
     * @return the matrix, one row per channel of the group
     * @throws IllegalArgumentException naming the group and tensor when the shape does not fit
     */
    public static NDArray matrix(NDArray tensor, NodeGroup group, GroupMember member) {
        Objects.requireNonNull(tensor, "tensor");
        MemberShapes.check(group, member, tensor.getShape().getShape());
        NDArray front =
                member.axis() == ChannelAxis.FIRST
                        ? tensor
                        : tensor.swapAxes(0, member.axis().index());
        return front.reshape(group.channels(), -1);
    }

    /**
     * Repeats a per-channel value for every index each channel owns on the member's axis.
     *
     * @param perChannel one value per channel
     * @param rowsPerChannel the member's rows per channel {@code k}, at least 1
     * @return {@code perChannel.length * k} values, channel {@code c}'s value at {@code [c k, (c +
     *     1) k)}
     */
    public static float[] perIndex(float[] perChannel, int rowsPerChannel) {
        int k = rowsPerChannel;
        if (k == 1) {
            return perChannel.clone();
        }
        float[] out = new float[perChannel.length * k];
        for (int c = 0; c < perChannel.length; c++) {
            Arrays.fill(out, c * k, (c + 1) * k, perChannel[c]);
        }
        return out;
    }

    /**
     * Returns the shape that broadcasts a vector of {@code indices} values over a tensor of rank
     * {@code rank} along its channel axis.
     *
     * @param indices the length of the channel axis
     * @param axis the channel axis
     * @param rank the tensor's rank
     * @return ones everywhere but {@code indices} on the axis
     */
    public static Shape broadcastShape(long indices, ChannelAxis axis, int rank) {
        long[] shape = new long[rank];
        Arrays.fill(shape, 1);
        shape[axis.index()] = indices;
        return new Shape(shape);
    }
}
