package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.hesso.core.GroupSparsityBounds;
import ai.hesso.core.HessoSettings;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Group sparsity floors and caps on the MLP {@code 6 -> 16 -> 16 -> 3}: 50% of its 32 channels in
 * three periods. The paper's global selection splits them unevenly on this model; a cap at the
 * target or a floor close to it evens the split, and every pruned channel is exactly zero.
 */
class GroupSparsityBoundsIT {

    private static Map<String, int[]> prunedWith(GroupSparsityBounds bounds) throws Exception {
        HessoSettings pruning =
                HessoSettings.builder()
                        .optTargetGroupSparsity(0.5)
                        .optStartPruningStep(6)
                        .setPruningSteps(12)
                        .optPruningPeriods(3)
                        .optGroupSparsityBounds(bounds.floor(), bounds.cap())
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

    private static int[] counts(Map<String, int[]> pruned) {
        return pruned.values().stream().mapToInt(a -> a.length).toArray();
    }

    @Test
    void theGlobalSelectionIsUnevenHere() throws Exception {
        int[] counts = counts(prunedWith(GroupSparsityBounds.NONE));
        Arrays.sort(counts);
        // seed 7: one group gives 6, the other 10; the bounded runs below must differ from this
        assertArrayEquals(new int[] {6, 10}, counts);
    }

    @Test
    void aCapAtTheTargetTakesHalfOfEachGroup() throws Exception {
        for (int[] channels : prunedWith(new GroupSparsityBounds(0, 0.5)).values()) {
            assertEquals(8, channels.length);
        }
    }

    @Test
    void aFloorMakesEachGroupGiveAtLeastItsShare() throws Exception {
        // floor 0.45: at least floor(7.2) = 7 of each 16 (the global selection gave one only 6)
        Map<String, int[]> pruned = prunedWith(new GroupSparsityBounds(0.45, 1));
        assertEquals(2, pruned.size());
        for (int[] channels : pruned.values()) {
            assertTrue(channels.length >= 7, "" + channels.length);
        }
    }
}
