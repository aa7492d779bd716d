package ai.hesso.djl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.saliency.ChannelStatistics;
import java.util.Arrays;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Reduces values and directions to the per-channel statistics the core scores with. The reductions
 * run on the engine; only the three length-N results are copied to the host.
 */
final class StatisticsReducer {

    private StatisticsReducer() {}

    /**
     * Computes the statistics of every prunable channel.
     *
     * @param index the channel index
     * @param values the values of a member tensor, by name
     * @param directions the direction of a member tensor, computed in the given manager (a
     *     sub-manager of {@code manager} per member, closed once the member is reduced)
     * @param manager a temporary manager that receives the per-channel sums
     * @return the statistics in global channel order
     */
    static ChannelStatistics reduce(
            ChannelIndex index,
            Function<String, NDArray> values,
            BiFunction<String, NDManager, NDArray> directions,
            NDManager manager) {
        NDList valueSquares = new NDList();
        NDList directionSquares = new NDList();
        NDList dots = new NDList();
        double[] rowLengths = new double[index.size()];
        for (int g = 0; g < index.prunableGroups().size(); g++) {
            NodeGroup group = index.prunableGroups().get(g);
            int n = group.channels();
            NDArray vs = null;
            NDArray ds = null;
            NDArray dot = null;
            long rowLength = 0;
            for (GroupMember member : group.members()) {
                // each member's temporaries (its direction, squares, products) are freed as soon
                // as its three per-channel sums exist: a scoring step then holds one member's
                // worth of temporaries at a time, not the whole model's, and the allocator reuses
                // the same memory member after member
                try (NDManager memberTemp = manager.newSubManager()) {
                    NDArray x = Aliases.on(values.apply(member.tensor()), memberTemp);
                    NDArray xRows = ChannelRows.matrix(x, group, member);
                    NDArray dRows =
                            ChannelRows.matrix(
                                    directions.apply(member.tensor(), memberTemp), group, member);
                    rowLength += xRows.getShape().get(1);
                    NDArray memberVs = xRows.square().sum(new int[] {1});
                    NDArray memberDs = dRows.square().sum(new int[] {1});
                    NDArray memberDot = xRows.mul(dRows).sum(new int[] {1});
                    vs = accumulate(vs, memberVs, manager);
                    ds = accumulate(ds, memberDs, manager);
                    dot = accumulate(dot, memberDot, manager);
                }
            }
            valueSquares.add(vs);
            directionSquares.add(ds);
            dots.add(dot);
            Arrays.fill(rowLengths, index.offset(g), index.offset(g) + n, rowLength);
        }
        return new ChannelStatistics(
                toHost(valueSquares), toHost(directionSquares), toHost(dots), rowLengths);
    }

    /** Adds a member's per-channel sums to the group's, keeping the result on {@code manager}. */
    private static NDArray accumulate(NDArray total, NDArray member, NDManager manager) {
        if (total == null) {
            member.attach(manager);
            return member;
        }
        return total.addi(member);
    }

    private static double[] toHost(NDList parts) {
        if (parts.isEmpty()) {
            return new double[0];
        }
        NDArray all = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts);
        // float32 and float64 tensors alike (toFloatArray() rejects float64)
        return all.toType(DataType.FLOAT64, false).toDoubleArray();
    }
}
