package ai.hesso.djl;

import ai.djl.nn.Block;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.djl.discovery.GroupDiscovery;
import java.util.List;

/**
 * Where HESSO's node groups come from: given by hand ({@link HessoOptimizer.Builder#optNodeGroups})
 * or found from the initialized block at the first update ({@link #discovery()}, the default).
 */
@FunctionalInterface
public interface NodeGroupSource {

    /**
     * Returns the node groups of an initialized block.
     *
     * @param block the block being trained, initialized
     * @return its node groups, member tensors named by their parameter path
     */
    List<NodeGroup> groups(Block block);

    /**
     * Automatic discovery with default settings.
     *
     * @return the source
     */
    static NodeGroupSource discovery() {
        return discovery(GroupDiscovery.builder().build());
    }

    /**
     * Automatic discovery with the given settings (strict mode, blocks marked unprunable). The
     * block's input shapes are those it was initialized with; every finding (what stays unprunable
     * and why) is logged at INFO.
     *
     * @param discovery the configured discovery
     * @return the source; it throws {@link IllegalArgumentException} for a block that was never
     *     initialized with its input shapes. The optimizer keeps its report, so that {@link
     *     HessoOptimizer#compact()} needs no second discovery
     */
    static NodeGroupSource discovery(GroupDiscovery discovery) {
        return new DiscoverySource(discovery);
    }
}
