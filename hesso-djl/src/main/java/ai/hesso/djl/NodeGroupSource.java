package ai.hesso.djl;

import ai.djl.nn.Block;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.Finding;
import ai.hesso.djl.discovery.GroupDiscovery;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
     *     initialized with its input shapes
     */
    static NodeGroupSource discovery(GroupDiscovery discovery) {
        return block -> {
            if (!block.isInitialized()) {
                throw new IllegalArgumentException(
                        "automatic node-group discovery needs the input shapes DJL records when a"
                                + " block is initialized, and "
                                + block.getClass().getSimpleName()
                                + " has none: initialize it (block.initialize(manager,"
                                + " DataType.FLOAT32, inputShape)) or give the node groups by hand"
                                + " with optNodeGroups(..)");
            }
            DiscoveryReport report = discovery.discover(block, block.getInputShapes());
            Logger logger = LoggerFactory.getLogger(NodeGroupSource.class);
            for (Finding finding : report.findings()) {
                logger.info("discovery: {}", finding);
            }
            return report.nodeGroups();
        };
    }
}
