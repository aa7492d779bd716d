package ai.hesso.djl;

import ai.djl.nn.Block;
import ai.hesso.core.group.NodeGroup;
import java.util.List;

/**
 * Where HESSO's node groups come from: given by hand ({@link HessoOptimizer.Builder#optNodeGroups})
 * or found from the initialized block at the first update.
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
}
