package ai.hesso.examples.bench.baselines;

import ai.djl.ndarray.NDArray;
import ai.hesso.core.group.NodeGroup;
import java.util.function.Function;

/**
 * Scores the channels of one node group: group in, one score per channel out. Lower scores are more
 * redundant and removed first.
 */
public interface ChannelImportance {

    /**
     * Scores the channels of a node group.
     *
     * @param group the node group
     * @param tensors the current value of each member tensor, by parameter name
     * @return {@code group.channels()} scores
     */
    double[] scores(NodeGroup group, Function<String, NDArray> tensors);
}
