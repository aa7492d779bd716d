package ai.hesso.djl;

import ai.djl.nn.Block;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.Finding;
import ai.hesso.djl.discovery.GroupDiscovery;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic discovery as a {@link NodeGroupSource} ({@link NodeGroupSource#discovery}) that also
 * gives its whole {@link DiscoveryReport}, so the optimizer keeps the report it trained with and
 * can compact the model without a second discovery.
 */
final class DiscoverySource implements NodeGroupSource {

    private static final Logger logger = LoggerFactory.getLogger(NodeGroupSource.class);

    private final GroupDiscovery discovery;

    DiscoverySource(GroupDiscovery discovery) {
        this.discovery = Objects.requireNonNull(discovery, "discovery");
    }

    /** {@inheritDoc} */
    @Override
    public List<NodeGroup> groups(Block block) {
        return report(block).nodeGroups();
    }

    /**
     * Discovers the node groups of an initialized block at the input shapes it was initialized
     * with, logging every finding (what stays unprunable and why) at INFO.
     *
     * @param block the block being trained, initialized
     * @return the report
     * @throws IllegalArgumentException for a block that was never initialized with its input shapes
     */
    DiscoveryReport report(Block block) {
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
        for (Finding finding : report.findings()) {
            logger.info("discovery: {}", finding);
        }
        return report;
    }
}
