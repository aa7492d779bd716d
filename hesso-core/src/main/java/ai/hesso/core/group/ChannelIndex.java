package ai.hesso.core.group;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The global numbering of all prunable channels of a model.
 *
 * <p>Prunable node groups are numbered in the order given; channel {@code i} of the {@code g}-th
 * prunable group has the global index {@code offset(g) + i}. A node group counts as prunable when
 * it is flagged prunable and has more than {@code groupDivisible} channels (spec section 1); the
 * others are kept here only so that reports can list them. {@code N = size()}.
 */
public final class ChannelIndex {

    private final List<NodeGroup> allGroups;
    private final List<NodeGroup> prunableGroups;
    private final int[] offsets;
    private final int[] groupOfChannel;

    /**
     * Builds the index.
     *
     * @param groups all node groups of the model, names unique, no tensor in two groups
     * @param groupDivisible the channel-count multiple, at least 1; groups with {@code n <=
     *     groupDivisible} are not prunable
     * @throws IllegalArgumentException if names repeat, a tensor is in two groups, or {@code
     *     groupDivisible < 1}
     */
    public ChannelIndex(List<NodeGroup> groups, int groupDivisible) {
        if (groupDivisible < 1) {
            throw new IllegalArgumentException(
                    "groupDivisible must be at least 1, got " + groupDivisible);
        }
        allGroups = List.copyOf(groups);
        Set<String> names = new HashSet<>();
        Set<String> tensors = new HashSet<>();
        List<NodeGroup> prunable = new ArrayList<>();
        for (NodeGroup group : allGroups) {
            if (!names.add(group.name())) {
                throw new IllegalArgumentException(
                        "node group names must be unique, '" + group.name() + "' appears twice");
            }
            for (GroupMember member : group.members()) {
                if (!tensors.add(member.tensor())) {
                    throw new IllegalArgumentException(
                            "tensor '"
                                    + member.tensor()
                                    + "' is claimed by two node groups; each tensor may belong"
                                    + " to one node group only");
                }
            }
            if (group.prunable() && group.channels() > groupDivisible) {
                prunable.add(group);
            }
        }
        prunableGroups = Collections.unmodifiableList(prunable);
        offsets = new int[prunable.size() + 1];
        for (int g = 0; g < prunable.size(); g++) {
            offsets[g + 1] = offsets[g] + prunable.get(g).channels();
        }
        groupOfChannel = new int[offsets[prunable.size()]];
        for (int g = 0; g < prunable.size(); g++) {
            for (int c = offsets[g]; c < offsets[g + 1]; c++) {
                groupOfChannel[c] = g;
            }
        }
    }

    /**
     * Returns the total number of prunable channels {@code N}.
     *
     * @return N
     */
    public int size() {
        return groupOfChannel.length;
    }

    /**
     * Returns every node group given, prunable or not, in the given order.
     *
     * @return an unmodifiable list
     */
    public List<NodeGroup> allGroups() {
        return allGroups;
    }

    /**
     * Returns the node groups whose channels are numbered here, in index order.
     *
     * @return an unmodifiable list
     */
    public List<NodeGroup> prunableGroups() {
        return prunableGroups;
    }

    /**
     * Returns the global index of channel 0 of a prunable group.
     *
     * @param group the position in {@link #prunableGroups()}
     * @return the offset
     */
    public int offset(int group) {
        return offsets[group];
    }

    /**
     * Returns the prunable group that holds a global channel.
     *
     * @param channel a global channel index in {@code [0, N)}
     * @return the position in {@link #prunableGroups()}
     */
    public int groupOf(int channel) {
        return groupOfChannel[channel];
    }

    /**
     * Returns a global channel's index inside its node group.
     *
     * @param channel a global channel index in {@code [0, N)}
     * @return the local channel index
     */
    public int localChannel(int channel) {
        return channel - offsets[groupOfChannel[channel]];
    }
}
