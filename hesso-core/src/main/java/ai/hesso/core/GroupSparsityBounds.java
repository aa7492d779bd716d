package ai.hesso.core;

import ai.hesso.core.group.ChannelIndex;

/**
 * Per-group floors and caps on the global selection: every prunable node group ends with at least
 * {@code floor} and at most {@code cap} of its channels pruned ({@code floor(fraction * n)}
 * channels of a group of {@code n}). The paper's selection takes the lowest saliency over all
 * groups, which tends to empty cheap late layers and keep expensive early ones; a floor makes every
 * layer give some channels, a cap keeps every layer from being emptied, and the rest of each
 * period's quota still goes to the lowest scores over all groups ({@link
 * ai.hesso.core.selection.BoundedSelection}). Under a MAC budget the floors' dues are taken first
 * and the rest of each period's cost goes by saliency per MAC saved, never past a cap ({@link
 * ai.hesso.core.selection.MacBudgetSelection}).
 *
 * <p>{@code new GroupSparsityBounds(0, 1)} ({@link #NONE}) is the paper's selection, unchanged; a
 * floor equal to the target sparsity is close to {@link Allocation#PER_GROUP}.
 *
 * @param floor the fraction of every group's channels that must be pruned, in {@code [0, 1)}
 * @param cap the most of every group's channels that may be pruned, in {@code (0, 1]}, at least
 *     {@code floor}
 */
public record GroupSparsityBounds(double floor, double cap) {

    /** No floor, no cap: the paper's selection. */
    public static final GroupSparsityBounds NONE = new GroupSparsityBounds(0, 1);

    /**
     * Checks the bounds.
     *
     * @param floor in {@code [0, 1)}
     * @param cap in {@code (0, 1]}, at least {@code floor}
     * @throws IllegalArgumentException naming the bound and its valid range
     */
    public GroupSparsityBounds {
        if (!(floor >= 0 && floor < 1)) {
            throw new IllegalArgumentException(
                    "the group sparsity floor must be in [0, 1), got " + floor);
        }
        if (!(cap > 0 && cap <= 1)) {
            throw new IllegalArgumentException(
                    "the group sparsity cap must be in (0, 1], got " + cap);
        }
        if (cap < floor) {
            throw new IllegalArgumentException(
                    "the group sparsity cap ("
                            + cap
                            + ") must be at least the floor ("
                            + floor
                            + ")");
        }
    }

    /**
     * Whether these bounds leave the selection as the paper's.
     *
     * @return true for floor 0 and cap 1
     */
    public boolean isNone() {
        return floor == 0 && cap == 1;
    }

    /**
     * Returns the channels a group of {@code channels} must lose in all.
     *
     * @param channels the group's channel count
     * @return {@code floor(floor * channels)}
     */
    public int floorCount(int channels) {
        return (int) Math.floor(floor * channels);
    }

    /**
     * Returns the most channels a group of {@code channels} may lose.
     *
     * @param channels the group's channel count
     * @return {@code floor(cap * channels)}
     */
    public int capCount(int channels) {
        return (int) Math.floor(cap * channels);
    }

    /**
     * Returns the fewest channels the cap lets each prunable group keep.
     *
     * @param index the prunable channels
     * @return {@code n - capCount(n)} for each prunable group of {@code n} channels, in index order
     */
    public int[] leastKept(ChannelIndex index) {
        return index.prunableGroups().stream()
                .mapToInt(g -> g.channels() - capCount(g.channels()))
                .toArray();
    }
}
