package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.hesso.core.Allocation;
import ai.hesso.core.HessoSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code Allocation.PER_GROUP} on the MLP {@code 6 -> 16 -> 16 -> 3}: 50% of its 32 channels, in
 * three periods, end as 8 of each group's 16, every one exactly zero.
 */
class PerGroupAllocationIT {

    private static Map<String, int[]> prunedWith(Allocation allocation) throws Exception {
        HessoSettings pruning =
                HessoSettings.builder()
                        .optTargetGroupSparsity(0.5)
                        .optStartPruningStep(6)
                        .setPruningSteps(12)
                        .optPruningPeriods(3)
                        .optAllocation(allocation)
                        .build();
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness run = Scenario.harness(pruning, Scenario.sgd(), 7, b -> b)) {
            List<NDList> batches = Scenario.batches(manager);
            HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
            for (int k = 1; k <= 20; k++) {
                run.step(Scenario.batch(batches, k));
            }
            assertEquals(16, hesso.metrics().pruned());
            assertEquals(16, hesso.metrics().verifiedZero());
            return hesso.prunedChannels();
        }
    }

    @Test
    void everyGroupLosesHalfItsChannels() throws Exception {
        Map<String, int[]> pruned = prunedWith(Allocation.PER_GROUP);
        assertEquals(2, pruned.size());
        for (Map.Entry<String, int[]> group : pruned.entrySet()) {
            assertEquals(8, group.getValue().length, group.getKey());
        }
    }
}
