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
 * @param companions non-trainable tensors sliced with the group: batch-norm running statistics, and
 *     parameters that would be members but are not trainable (frozen, or a batch norm's absent
 *     scale or shift), which the optimizer never touches
 * @param blocks the paths of the blocks that produce the channels (own a member or companion) and
 *     of those that consume them (own a consumer slice)
 */
public record DiscoveredGroup(
        NodeGroup group,
        List<ParameterSlice> consumers,
        List<ParameterSlice> companions,
        GroupBlocks blocks) {

    /**
     * Validates and copies the lists.
     *
     * @param group the node group
     * @param consumers the consumer input slices
     * @param companions the non-trainable companions
     * @param blocks the producing and consuming block paths
     */
    public DiscoveredGroup {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(blocks, "blocks");
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
