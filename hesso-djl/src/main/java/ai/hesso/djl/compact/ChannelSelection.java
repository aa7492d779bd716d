package ai.hesso.djl.compact;

import ai.djl.nn.Block;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The channels to remove, per node group, checked against a {@link DiscoveryReport}: every group
 * named is a prunable group of the report, every index lies in {@code [0, channels)}, no index
 * repeats and every group keeps at least one channel.
 */
public final class ChannelSelection {

    private final Map<String, int[]> removed;

    private ChannelSelection(Map<String, int[]> removed) {
        this.removed = removed;
    }

    /**
     * Checks a map of removed channels, in the form {@code HessoDriver.prunedChannels()} returns.
     *
     * @param report the discovery report of the model
     * @param removed group name to the group's local channel indices to remove; groups not named
     *     keep every channel
     * @return the selection, indices sorted
     * @throws IllegalArgumentException naming the group when a name is unknown, the group is
     *     unprunable, an index is out of range or repeated, or every channel would go
     */
    public static ChannelSelection of(DiscoveryReport report, Map<String, int[]> removed) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(removed, "removed");
        Map<String, int[]> checked = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : removed.entrySet()) {
            String name = e.getKey();
            DiscoveredGroup group =
                    report.group(name)
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "unknown node group '"
                                                            + name
                                                            + "'; the report's groups are "
                                                            + report.groups().stream()
                                                                    .map(DiscoveredGroup::name)
                                                                    .collect(Collectors.toList())));
            int[] channels = Objects.requireNonNull(e.getValue(), "channels of group " + name);
            if (channels.length == 0) {
                continue;
            }
            if (!group.group().prunable()) {
                throw new IllegalArgumentException(
                        "node group '"
                                + name
                                + "' is unprunable ("
                                + group.group().reason()
                                + "); only prunable groups can lose channels");
            }
            int n = group.group().channels();
            int[] sorted = channels.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < sorted.length; i++) {
                if (sorted[i] < 0 || sorted[i] >= n) {
                    throw new IllegalArgumentException(
                            "node group '"
                                    + name
                                    + "' has "
                                    + n
                                    + " channels; channel "
                                    + sorted[i]
                                    + " is out of range [0, "
                                    + n
                                    + ")");
                }
                if (i > 0 && sorted[i] == sorted[i - 1]) {
                    throw new IllegalArgumentException(
                            "node group '" + name + "': channel " + sorted[i] + " is listed twice");
                }
            }
            if (sorted.length == n) {
                throw new IllegalArgumentException(
                        "node group '"
                                + name
                                + "': removing all "
                                + n
                                + " channels would leave the layer empty; at least one must stay");
            }
            checked.put(name, sorted);
        }
        return new ChannelSelection(Collections.unmodifiableMap(checked));
    }

    /**
     * Selects every channel of a prunable group whose member rows are all exactly zero, read from
     * the block's arrays.
     *
     * <p>A channel is a candidate when its rows of the group's first member (the producing layer's
     * weight) are all zero; it is removed when its rows of every other member are zero too. A
     * candidate with a non-zero row elsewhere (a zero weight row beside a non-zero bias or batch
     * norm beta) is refused: removing it would change the output.
     *
     * @param block the initialized block the report describes
     * @param report its discovery report
     * @return the selection
     * @throws IllegalArgumentException naming the group, channel and parameter of an inconsistent
     *     channel, or a member parameter the block lacks
     * @throws IllegalStateException if the block is not initialized
     */
    public static ChannelSelection zeroChannels(Block block, DiscoveryReport report) {
        return of(report, ZeroChannels.find(block, report));
    }

    /**
     * Returns the removed channels per group, sorted ascending; groups that lose nothing are
     * absent.
     *
     * @return an unmodifiable map (the arrays are copies on each call)
     */
    public Map<String, int[]> removed() {
        Map<String, int[]> copy = new LinkedHashMap<>();
        removed.forEach((k, v) -> copy.put(k, v.clone()));
        return Collections.unmodifiableMap(copy);
    }

    /**
     * Returns the removed channels of one group.
     *
     * @param group the group name
     * @return the sorted indices, empty when the group keeps all its channels
     */
    public int[] removed(String group) {
        int[] r = removed.get(group);
        return r == null ? new int[0] : r.clone();
    }

    /**
     * Returns how many channels are removed over all groups.
     *
     * @return the total count
     */
    public int count() {
        return removed.values().stream().mapToInt(a -> a.length).sum();
    }

    @Override
    public String toString() {
        return removed.entrySet().stream()
                .map(e -> e.getKey() + "=" + Arrays.toString(e.getValue()))
                .collect(Collectors.joining(", ", "ChannelSelection{", "}"));
    }
}
