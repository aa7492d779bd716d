package ai.hesso.djl.compact;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.engine.ChannelRows;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the channels of prunable groups whose member rows are all exactly zero, each channel's rows
 * read through {@link ChannelRows} (a run of rows per channel for an attention head).
 */
final class ZeroChannels {

    private ZeroChannels() {}

    /**
     * Reads the zero channels of every prunable group.
     *
     * @param block the initialized block
     * @param report its discovery report
     * @return group name to zero channels, groups without zero channels left out
     */
    static Map<String, int[]> find(Block block, DiscoveryReport report) {
        Compaction.requireInitialized(block);
        Map<String, int[]> out = new LinkedHashMap<>();
        for (DiscoveredGroup g : report.prunableGroups()) {
            List<GroupMember> members = g.group().members();
            int n = g.group().channels();
            List<boolean[]> zero = new ArrayList<>();
            for (GroupMember m : members) {
                zero.add(zeroRows(block, m, g.group()));
            }
            List<Integer> channels = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                if (!zero.get(0)[c]) {
                    continue;
                }
                for (int i = 1; i < members.size(); i++) {
                    if (!zero.get(i)[c]) {
                        throw new IllegalArgumentException(
                                "node group '"
                                        + g.name()
                                        + "', channel "
                                        + c
                                        + ": its rows of '"
                                        + members.get(0).tensor()
                                        + "' are zero but its rows of '"
                                        + members.get(i).tensor()
                                        + "' are not; a pruned channel is zero in every member");
                    }
                }
                channels.add(c);
            }
            if (!channels.isEmpty()) {
                out.put(g.name(), channels.stream().mapToInt(Integer::intValue).toArray());
            }
        }
        return out;
    }

    private static boolean[] zeroRows(Block block, GroupMember m, NodeGroup group) {
        Parameter p = block.getParameters().get(m.tensor());
        if (p == null || !p.isInitialized()) {
            throw new IllegalArgumentException(
                    "node group '"
                            + group.name()
                            + "' names parameter '"
                            + m.tensor()
                            + "', which the block does not have (or has not initialized)");
        }
        NDArray arr = p.getArray();
        try (NDManager temp = arr.getManager().newSubManager()) {
            arr.tempAttach(temp);
            NDArray rows = ChannelRows.matrix(arr, group, m).abs().max(new int[] {1});
            return rows.eq(0).toBooleanArray();
        }
    }
}
