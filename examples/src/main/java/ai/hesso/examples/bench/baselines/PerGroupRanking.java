package ai.hesso.examples.bench.baselines;

import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.selection.GroupQuotas;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-layer selection, as Torch-Pruning's default ({@code global_pruning=False}): every node group
 * loses the same fraction of its channels, its lowest-scoring ones. The split over the groups is
 * HESSO's own per-group allocation ({@link GroupQuotas}), so the two compare at the same per-group
 * widths; a group is never emptied while the total leaves every group a channel (water-filling
 * reaches a group's last channel only after every other group's).
 */
public final class PerGroupRanking {

    private PerGroupRanking() {}

    /**
     * Extends a removal to {@code total} channels: keeps every already removed channel and adds, in
     * each group, its share of the lowest-scoring others.
     *
     * @param groups the prunable groups, in order
     * @param scores one score per channel of each group (lower is removed first)
     * @param removed the channels already removed per group (missing groups: none)
     * @param total the number of channels removed in all after this call, at most {@code N -
     *     groups}
     * @return the removal per group (every group, sorted channel indices)
     * @throws IllegalArgumentException if {@code total} is below what is removed already or would
     *     empty a group
     */
    public static Map<String, int[]> extend(
            List<NodeGroup> groups,
            Map<String, double[]> scores,
            Map<String, int[]> removed,
            int total) {
        ChannelIndex index = new ChannelIndex(groups, 1);
        double[] all = new double[index.size()];
        boolean[] gone = new boolean[index.size()];
        int[] before = new int[groups.size()];
        int already = 0;
        for (int g = 0; g < groups.size(); g++) {
            String name = groups.get(g).name();
            int offset = index.offset(g);
            double[] s = scores.get(name);
            System.arraycopy(s, 0, all, offset, s.length);
            for (int c : removed.getOrDefault(name, new int[0])) {
                gone[offset + c] = true;
                before[g]++;
                already++;
            }
        }
        GlobalRanking.requireRemovable(total, already, index.size(), groups.size());
        int[] chosen = GroupQuotas.select(index, all, c -> !gone[c], before, total - already);
        for (int c : chosen) {
            gone[c] = true;
        }
        Map<String, int[]> out = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            int offset = index.offset(g);
            int n = groups.get(g).channels();
            out.put(
                    groups.get(g).name(),
                    java.util.stream.IntStream.range(0, n).filter(c -> gone[offset + c]).toArray());
        }
        return out;
    }
}
