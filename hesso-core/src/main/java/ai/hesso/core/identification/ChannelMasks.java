package ai.hesso.core.identification;

import java.util.List;

/**
 * Which rows of each prunable node group are projected or zeroed: an immutable view that changes
 * only when a selection changes, so an engine can build its device masks once per {@link
 * #version()} rather than once per step.
 */
public final class ChannelMasks {

    private final long version;
    private final List<int[]> redundant;
    private final List<int[]> pruned;

    ChannelMasks(long version, List<int[]> redundant, List<int[]> pruned) {
        this.version = version;
        this.redundant = redundant;
        this.pruned = pruned;
    }

    /**
     * Returns a number that changes whenever any set changes.
     *
     * @return the version
     */
    public long version() {
        return version;
    }

    /**
     * Returns the channels of a group being projected towards zero.
     *
     * @param group the position in {@link ai.hesso.core.group.ChannelIndex#prunableGroups()}
     * @return a new array of local channel indices, ascending
     */
    public int[] redundant(int group) {
        return redundant.get(group).clone();
    }

    /**
     * Returns the channels of a group that are exactly zero.
     *
     * @param group the position in {@link ai.hesso.core.group.ChannelIndex#prunableGroups()}
     * @return a new array of local channel indices, ascending
     */
    public int[] pruned(int group) {
        return pruned.get(group).clone();
    }

    /**
     * Whether any row of a group is projected or zeroed.
     *
     * @param group the position in the prunable groups
     * @return true when the engine must touch the group's rows
     */
    public boolean touches(int group) {
        return redundant.get(group).length > 0 || pruned.get(group).length > 0;
    }
}
