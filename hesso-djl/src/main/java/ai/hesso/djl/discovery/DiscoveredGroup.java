package ai.hesso.djl.discovery;

import ai.hesso.core.group.NodeGroup;
import java.util.List;
import java.util.Objects;

/**
 * A discovered node group with what compaction must cut alongside it.
 *
 * @param group the node group (members are scored and zeroed by the optimizer)
 * @param consumers the next layers' input slices fed by the group's channels, one per consuming
 *     segment
 * @param companions non-trainable tensors sliced with the group (batch-norm running statistics)
 */
public record DiscoveredGroup(
        NodeGroup group, List<ParameterSlice> consumers, List<ParameterSlice> companions) {

    /**
     * Validates and copies the lists.
     *
     * @param group the node group
     * @param consumers the consumer input slices
     * @param companions the non-trainable companions
     */
    public DiscoveredGroup {
        Objects.requireNonNull(group, "group");
        consumers = List.copyOf(consumers);
        companions = List.copyOf(companions);
    }

    /**
     * Returns the group's name.
     *
     * @return {@code group().name()}
     */
    public String name() {
        return group.name();
    }
}
