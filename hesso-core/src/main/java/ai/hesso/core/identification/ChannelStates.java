package ai.hesso.core.identification;

import ai.hesso.core.ChannelState;
import ai.hesso.core.group.ChannelIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The mutable state of every prunable channel: important, redundant or pruned. This is the one
 * object that changes as pruning proceeds; everything else in the core is immutable settings or
 * pure functions. Not thread-safe: the driver calls it from one thread.
 */
final class ChannelStates {

    private final ChannelIndex index;
    private final ChannelState[] states;
    private long version;
    private ChannelMasks masks;

    ChannelStates(ChannelIndex index) {
        this.index = index;
        states = new ChannelState[index.size()];
        Arrays.fill(states, ChannelState.IMPORTANT);
    }

    /** Restores saved states; {@code version} continues where the saved run's masks were. */
    ChannelStates(ChannelIndex index, List<ChannelState> saved, long version) {
        if (saved.size() != index.size()) {
            throw new IllegalArgumentException(
                    "the saved state has "
                            + saved.size()
                            + " channel states, the node groups have "
                            + index.size()
                            + " prunable channels");
        }
        this.index = index;
        this.states = saved.toArray(new ChannelState[0]);
        this.version = version;
    }

    /** Returns a copy of every channel's state, in global index order. */
    List<ChannelState> snapshot() {
        return List.of(states.clone());
    }

    /** Returns the version of the current masks. */
    long version() {
        return version;
    }

    ChannelState get(int channel) {
        return states[channel];
    }

    int count(ChannelState state) {
        return (int) Arrays.stream(states).filter(s -> s == state).count();
    }

    boolean any(ChannelState state) {
        return Arrays.stream(states).anyMatch(s -> s == state);
    }

    /** Marks important channels redundant. */
    void markRedundant(int[] channels) {
        for (int channel : channels) {
            if (states[channel] != ChannelState.IMPORTANT) {
                throw new IllegalStateException(
                        "channel " + channel + " is " + states[channel] + ", not IMPORTANT");
            }
            states[channel] = ChannelState.REDUNDANT;
        }
        changed(channels.length > 0);
    }

    /** Redundant channels become pruned. */
    void commitRedundant() {
        changed(replace(ChannelState.REDUNDANT, ChannelState.PRUNED));
    }

    /** Redundant channels become important again (CRIC restores them from its snapshot). */
    void releaseRedundant() {
        changed(replace(ChannelState.REDUNDANT, ChannelState.IMPORTANT));
    }

    /** Returns the number of pruned channels of each prunable group. */
    int[] prunedPerGroup() {
        int[] counts = new int[index.prunableGroups().size()];
        for (int c = 0; c < states.length; c++) {
            if (states[c] == ChannelState.PRUNED) {
                counts[index.groupOf(c)]++;
            }
        }
        return counts;
    }

    /** Returns an immutable view of the current sets, rebuilt only after a change. */
    ChannelMasks masks() {
        if (masks == null || masks.version() != version) {
            List<int[]> redundant = new ArrayList<>();
            List<int[]> pruned = new ArrayList<>();
            for (int g = 0; g < index.prunableGroups().size(); g++) {
                redundant.add(local(g, ChannelState.REDUNDANT));
                pruned.add(local(g, ChannelState.PRUNED));
            }
            masks = new ChannelMasks(version, List.copyOf(redundant), List.copyOf(pruned));
        }
        return masks;
    }

    private int[] local(int group, ChannelState state) {
        int offset = index.offset(group);
        int n = index.prunableGroups().get(group).channels();
        return IntStream.range(0, n).filter(i -> states[offset + i] == state).toArray();
    }

    private boolean replace(ChannelState from, ChannelState to) {
        boolean any = false;
        for (int c = 0; c < states.length; c++) {
            if (states[c] == from) {
                states[c] = to;
                any = true;
            }
        }
        return any;
    }

    private void changed(boolean changed) {
        if (changed) {
            version++;
        }
    }
}
