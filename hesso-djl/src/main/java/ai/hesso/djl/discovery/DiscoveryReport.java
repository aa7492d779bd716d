package ai.hesso.djl.discovery;

import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.djl.layers.LayerRegistry;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@link GroupDiscovery} found: the node groups with their consumer slices and companions, and
 * one finding per block, parameter or group left unprunable.
 *
 * <p>Every trainable parameter that a supported layer owns is a member of exactly one group; a
 * parameter of an unsupported block is in no group and has a finding instead.
 *
 * <p>It carries the {@link LayerRegistry} its discovery traced with, so that compaction and the MAC
 * cost model ask the same layer supports (a block type taught with {@link
 * GroupDiscovery.Builder#optLayer} is rebuilt and counted too).
 *
 * @param groups the discovered groups, in the order their first layer runs
 * @param findings why blocks, parameters and groups are left unprunable, one line each
 * @param layers the layer supports discovery used
 */
public record DiscoveryReport(
        List<DiscoveredGroup> groups, List<Finding> findings, LayerRegistry layers) {

    /**
     * Copies the lists.
     *
     * @param groups the discovered groups
     * @param findings the findings
     * @param layers the layer supports, not null
     */
    public DiscoveryReport {
        groups = List.copyOf(groups);
        findings = List.copyOf(findings);
        java.util.Objects.requireNonNull(layers, "layers");
    }

    /**
     * A report of groups found with the built-in layer supports.
     *
     * @param groups the discovered groups
     * @param findings the findings
     */
    public DiscoveryReport(List<DiscoveredGroup> groups, List<Finding> findings) {
        this(groups, findings, LayerRegistry.defaults());
    }

    /**
     * Returns the node groups alone, in order, for the optimizer.
     *
     * @return the node groups
     */
    public List<NodeGroup> nodeGroups() {
        return groups.stream().map(DiscoveredGroup::group).collect(Collectors.toList());
    }

    /**
     * Returns the prunable groups.
     *
     * @return the groups whose channels the optimizer may zero
     */
    public List<DiscoveredGroup> prunableGroups() {
        return groups.stream().filter(g -> g.group().prunable()).collect(Collectors.toList());
    }

    /**
     * Finds a group by name.
     *
     * @param name the group name
     * @return the group, or empty when no group has that name
     */
    public Optional<DiscoveredGroup> group(String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst();
    }

    /**
     * Finds the group that has a tensor as a member.
     *
     * @param tensor a parameter path
     * @return the group, or empty when the tensor is in no group
     */
    public Optional<DiscoveredGroup> groupOf(String tensor) {
        return groups.stream()
                .filter(g -> g.group().members().stream().anyMatch(m -> m.tensor().equals(tensor)))
                .findFirst();
    }

    /**
     * Formats the report for people: one line per group, then its members and slices, then the
     * findings.
     *
     * @return a multi-line text
     */
    public String format() {
        StringBuilder sb = new StringBuilder();
        for (DiscoveredGroup g : groups) {
            NodeGroup ng = g.group();
            sb.append("group ")
                    .append(ng.name())
                    .append(": ")
                    .append(ng.channels())
                    .append(" channels, ")
                    .append(ng.prunable() ? "prunable" : "unprunable (" + ng.reason() + ")")
                    .append('\n');
            sb.append("  members: ")
                    .append(
                            ng.members().stream()
                                    .map(DiscoveryReport::member)
                                    .collect(Collectors.joining(", ")))
                    .append('\n');
            if (!g.consumers().isEmpty()) {
                sb.append("  consumers: ").append(join(g.consumers())).append('\n');
            }
            if (!g.companions().isEmpty()) {
                sb.append("  companions: ").append(join(g.companions())).append('\n');
            }
        }
        for (Finding f : findings) {
            sb.append("finding ").append(f).append('\n');
        }
        return sb.toString();
    }

    private static String member(GroupMember m) {
        String rows = m.rowsPerChannel() == 1 ? "" : ", " + m.rowsPerChannel() + " rows/channel";
        return m.axis().index() == 0 && rows.isEmpty()
                ? m.tensor()
                : m.tensor() + "[axis " + m.axis().index() + rows + "]";
    }

    private static String join(List<ParameterSlice> slices) {
        return slices.stream().map(ParameterSlice::toString).collect(Collectors.joining(", "));
    }
}
