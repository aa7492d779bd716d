package ai.hesso.core.selection;

import ai.hesso.core.group.ChannelIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rounds each node group's remaining channel count up to a multiple of {@code q}.
 *
 * <p>After a selection, a node group with {@code n} channels, {@code p} of them already pruned and
 * {@code r} newly selected keeps {@code n - p - r} channels. When that count is not a positive
 * multiple of {@code q}, it is raised to the next multiple of {@code q} (at least {@code q}, at
 * most {@code n}) by giving back the highest-scoring of the group's newly selected channels. With
 * {@code q = 1} nothing changes.
 */
public final class GroupDivisibleRounding {

    private GroupDivisibleRounding() {}

    /**
     * Applies the rounding.
     *
     * @param index the channel index
     * @param selected the newly selected global channels, in ascending score order
     * @param prunedPerGroup the number of already pruned channels of each prunable group
     * @param groupDivisible {@code q}, at least 1
     * @return the selected channels that stay selected, in the order given
     */
    public static int[] apply(
            ChannelIndex index, int[] selected, int[] prunedPerGroup, int groupDivisible) {
        List<List<Integer>> byGroup = new ArrayList<>();
        for (int g = 0; g < index.prunableGroups().size(); g++) {
            byGroup.add(new ArrayList<>());
        }
        for (int channel : selected) {
            byGroup.get(index.groupOf(channel)).add(channel);
        }
        boolean[] keep = new boolean[index.size()];
        for (int g = 0; g < byGroup.size(); g++) {
            List<Integer> chosen = byGroup.get(g);
            int n = index.prunableGroups().get(g).channels();
            int kept = keptSelected(n, prunedPerGroup[g], chosen.size(), groupDivisible);
            // chosen is in ascending score order: the first `kept` stay, the rest are given back
            for (int i = 0; i < kept; i++) {
                keep[chosen.get(i)] = true;
            }
        }
        return Arrays.stream(selected).filter(c -> keep[c]).toArray();
    }

    /**
     * Returns the fewest channels that one selection must pick in a group with nothing pruned yet
     * for the rounding to keep any of them: with {@code n = 24} and {@code q = 16} the group can
     * only shrink to 16 channels, so a selection of fewer than 8 of its channels is given back
     * whole.
     *
     * @param channels the group's channel count {@code n}
     * @param groupDivisible {@code q}, at least 1
     * @return the smallest selection that prunes something, or {@code n + 1} when none does
     */
    public static int smallestEffectiveSelection(int channels, int groupDivisible) {
        for (int selected = 1; selected <= channels; selected++) {
            if (keptSelected(channels, 0, selected, groupDivisible) > 0) {
                return selected;
            }
        }
        return channels + 1;
    }

    /**
     * Returns how many of a group's newly selected channels stay selected.
     *
     * @param channels the group's channel count {@code n}
     * @param pruned its already pruned channels {@code p}
     * @param selected its newly selected channels {@code r}
     * @param groupDivisible {@code q}
     * @return the number kept, in {@code [0, r]}
     */
    static int keptSelected(int channels, int pruned, int selected, int groupDivisible) {
        int remaining = channels - pruned - selected;
        if (remaining > 0 && remaining % groupDivisible == 0) {
            return selected;
        }
        int roundedUp =
                Math.max(1, (remaining + groupDivisible - 1) / groupDivisible) * groupDivisible;
        int remainingAfter = Math.min(channels, roundedUp);
        return Math.max(0, Math.min(selected, channels - pruned - remainingAfter));
    }
}
