package ai.hesso.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.hesso.core.group.GroupMember;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Makes a block look like a pruned one without training it: in every prunable node group, a seeded
 * random choice of {@code floor(channels * fraction)} channels (at most all but one) gets all its
 * member rows set to exactly zero, as HESSO leaves its pruned channels.
 */
public final class ChannelZeroing {

    private ChannelZeroing() {}

    /**
     * Zeroes a fraction of the channels of every prunable group.
     *
     * @param block the initialized block the report describes
     * @param report its discovery report
     * @param fraction the share of each group's channels to zero, in {@code [0, 1)}
     * @param seed the seed of the choice
     * @return group name to the zeroed channels, ascending; groups that lost none are absent
     * @throws IllegalArgumentException if the fraction is out of range or a member parameter is
     *     missing
     */
    public static Map<String, int[]> zeroFraction(
            Block block, DiscoveryReport report, double fraction, long seed) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("the fraction must be in [0, 1), got " + fraction);
        }
        Random random = new Random(seed);
        Map<String, int[]> zeroed = new LinkedHashMap<>();
        for (DiscoveredGroup g : report.prunableGroups()) {
            int n = g.group().channels();
            int count = Math.min(n - 1, (int) Math.floor(n * fraction));
            if (count <= 0) {
                continue;
            }
            List<Integer> all = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                all.add(c);
            }
            Collections.shuffle(all, random);
            int[] chosen =
                    all.subList(0, count).stream().mapToInt(Integer::intValue).sorted().toArray();
            for (GroupMember m : g.group().members()) {
                zeroRows(block, g.name(), m, chosen);
            }
            zeroed.put(g.name(), chosen);
        }
        return zeroed;
    }

    private static void zeroRows(Block block, String group, GroupMember member, int[] channels) {
        Parameter p = block.getParameters().get(member.tensor());
        if (p == null || !p.isInitialized()) {
            throw new IllegalArgumentException(
                    "node group '"
                            + group
                            + "' names parameter '"
                            + member.tensor()
                            + "', which the block does not have (or has not initialized)");
        }
        NDArray array = p.getArray();
        int axis = member.axis().index();
        for (int c : channels) {
            array.set(new NDIndex().addAllDim(axis).addIndices(c), 0f);
        }
    }
}
