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
     * Creates masks from explicit sets, for engines' tests and tools; the driver makes its own.
     *
     * @param version the version
     * @param redundant per prunable group, the local channels being projected
     * @param pruned per prunable group, the local channels that are zero
     * @return the masks, holding copies of the arrays
     * @throws IllegalArgumentException if the lists differ in length or a channel is in both sets
     */
    public static ChannelMasks of(long version, List<int[]> redundant, List<int[]> pruned) {
        if (redundant.size() != pruned.size()) {
            throw new IllegalArgumentException(
                    "redundant and pruned sets need one entry per group, got "
                            + redundant.size()
                            + " and "
                            + pruned.size());
        }
        for (int g = 0; g < redundant.size(); g++) {
            for (int c : redundant.get(g)) {
                for (int p : pruned.get(g)) {
                    if (c == p) {
                        throw new IllegalArgumentException(
                                "channel " + c + " of group " + g + " is redundant and pruned");
                    }
                }
            }
        }
        return new ChannelMasks(
                version,
                redundant.stream().map(int[]::clone).toList(),
                pruned.stream().map(int[]::clone).toList());
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
     * Whether a group has redundant channels, rows that a step scales by its factor.
     *
     * @param group the position in the prunable groups
     * @return true when {@link #redundant(int)} is not empty
     */
    public boolean projects(int group) {
        return redundant.get(group).length > 0;
    }

    /**
     * Whether a group has pruned channels, rows held at exactly zero.
     *
     * @param group the position in the prunable groups
     * @return true when {@link #pruned(int)} is not empty
     */
    public boolean prunes(int group) {
        return pruned.get(group).length > 0;
    }

    /**
     * Whether any row of a group is projected or zeroed.
     *
     * @param group the position in the prunable groups
     * @return true when the engine must touch the group's rows
     */
    public boolean touches(int group) {
        return projects(group) || prunes(group);
    }
}
