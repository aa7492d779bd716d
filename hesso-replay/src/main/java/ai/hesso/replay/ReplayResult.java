package ai.hesso.replay;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of a replay.
 *
 * @param tensors the final values of every tensor, row-major, in input order
 * @param pruned the pruned channels of every node group, ascending, in input order; empty for a
 *     node group that is not prunable ({@code n <= groupDivisible}) or has nothing pruned yet
 */
public record ReplayResult(Map<String, double[]> tensors, Map<String, int[]> pruned) {

    /**
     * Makes the maps unmodifiable, keeping their order.
     *
     * @param tensors the final values by tensor name
     * @param pruned the pruned channels by node group name
     */
    public ReplayResult {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        pruned = Collections.unmodifiableMap(new LinkedHashMap<>(pruned));
    }
}
