package ai.hesso.djl.discovery;

import java.util.List;
import java.util.Objects;

/**
 * The blocks a node group touches, by block path (the prefix of their parameter names, {@code ""}
 * for the root block): compaction rebuilds these blocks with fewer channels.
 *
 * @param producers the blocks whose outputs carry the group's channels and whose parameters follow
 *     them: every block owning a member tensor (a linear or convolution making the channels, a
 *     batch norm's gamma and beta, a depthwise convolution) or a companion (a batch norm's running
 *     statistics), in discovery order, each once
 * @param consumers the blocks owning a consumer input slice (the next linear or convolution that
 *     reads the channels), in discovery order, each once
 */
public record GroupBlocks(List<String> producers, List<String> consumers) {

    /**
     * Validates and copies the lists.
     *
     * @param producers the producing block paths
     * @param consumers the consuming block paths
     */
    public GroupBlocks {
        producers = List.copyOf(Objects.requireNonNull(producers, "producers"));
        consumers = List.copyOf(Objects.requireNonNull(consumers, "consumers"));
    }
}
