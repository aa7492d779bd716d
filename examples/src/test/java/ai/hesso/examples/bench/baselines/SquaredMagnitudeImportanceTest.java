package ai.hesso.examples.bench.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.djl.cost.BlockMacs;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.fixtures.ModelPatterns;
import ai.hesso.fixtures.ParameterValues;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Torch-Pruning's squared group magnitude ({@code p=2}, {@code bias=False}) and the global pruner
 * to a MAC budget built on it, on hand-set weights.
 */
class SquaredMagnitudeImportanceTest {

    @Test
    void sumsSquaresOverTheAdmittedMembersWithoutARoot() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> t = new HashMap<>();
            t.put("w", manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)));
            t.put("b", manager.create(new float[] {5, 6}));
            NodeGroup g =
                    NodeGroup.prunable(
                            "g", 2, List.of(GroupMember.rows("w"), GroupMember.rows("b")));
            // 1 + 4 and 9 + 16; with the bias 25 + 5 and 36 + 25
            assertArrayEquals(
                    new double[] {5, 25},
                    new SquaredMagnitudeImportance("w"::equals).scores(g, t::get),
                    1e-9);
            assertArrayEquals(
                    new double[] {30, 61},
                    new SquaredMagnitudeImportance(n -> true).scores(g, t::get),
                    1e-9);
        }
    }

    @Test
    void theGlobalPrunerStopsWhereTheCostModelMeetsTheBudgetIgnoringBiases() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Linear(3) relu Linear(2) on 2 inputs: 2h + 2h MACs for h hidden units, dense 12
            SequentialBlock block = ModelPatterns.mlp(3, 2);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
            ParameterValues.set(
                    block.getParameters().get("01Linear_weight").getArray(), 3, 4, 0, 1, 1, 1);
            // weights only: 25, 1, 2 (remove 1 and 2); the bias would make channel 2 the largest
            ParameterValues.set(block.getParameters().get("01Linear_bias").getArray(), 0, 0, 5);
            List<NodeGroup> groups =
                    GroupDiscovery.builder()
                            .build()
                            .discover(block, new Shape(1, 2))
                            .prunableGroups()
                            .stream()
                            .map(DiscoveredGroup::group)
                            .toList();
            MacBudget budget = new MacBudget(BlockMacs.of(block, new Shape(1, 2)), groups);
            assertEquals(12, budget.denseCost());
            // 0.5 of 12: 4h <= 6 keeps one unit, two removed
            try (MagnitudePruner pruner =
                    MagnitudePruner.builder()
                            .setBlock(block)
                            .setGroups(groups)
                            .setSchedule(IterativeSchedule.oneShot(1, 0))
                            .optImportance(SquaredMagnitudeImportance.weightsAndGammas(block))
                            .optNormalizeByGroupMean(true)
                            .optMacBudget(budget, 0.5)
                            .build()) {
                assertEquals(1, pruner.afterStep());
                Map<String, int[]> removed = pruner.removed();
                assertArrayEquals(new int[] {1, 2}, removed.get(groups.get(0).name()));
                assertEquals(4, budget.cost(removed));
                assertArrayEquals(
                        new float[] {3, 4, 0, 0, 0, 0},
                        block.getParameters().get("01Linear_weight").getArray().toFloatArray());
            }
        }
    }
}
