package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Node groups given by hand may not share a tensor, nor name one parameter under two paths (a block
 * applied at two places): the first step refuses them, naming both tensors and both groups.
 * Discovered groups of the same model train, since discovery leaves the shared block's groups
 * unprunable.
 */
class HandGivenGroupsIT {

    /**
     * {@code Linear(8) relu shared relu shared relu Linear(8) relu Linear(3)}, {@code shared} one
     * {@code Linear(8)} instance at 03 and 05.
     */
    private static Block twiceApplied() {
        Linear shared = Linear.builder().setUnits(8).build();
        return new SequentialBlock()
                .add(Linear.builder().setUnits(8).build())
                .add(Activation.reluBlock())
                .add(shared)
                .add(Activation.reluBlock())
                .add(shared)
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(8).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(3).build());
    }

    private static NodeGroup group(String name, String layer) {
        return NodeGroup.prunable(
                name,
                8,
                List.of(GroupMember.rows(layer + "_weight"), GroupMember.rows(layer + "_bias")));
    }

    private static TrainingHarness harness(List<NodeGroup> groups) {
        return new TrainingHarness(
                twiceApplied(),
                Scenario.INPUT,
                7,
                b -> {
                    HessoOptimizer.Builder builder =
                            Hesso.sgd()
                                    .setLearningRate(0.05)
                                    .setBlock(b)
                                    .setPruning(
                                            HessoSettings.builder()
                                                    .optTargetGroupSparsity(0.25)
                                                    .optStartPruningStep(2)
                                                    .setPruningSteps(4)
                                                    .build());
                    return (groups == null ? builder : builder.optNodeGroups(groups)).build();
                });
    }

    private static String firstStepError(List<NodeGroup> groups) {
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness run = harness(groups)) {
            return assertThrows(
                            IllegalArgumentException.class,
                            () -> run.step(Scenario.batch(Scenario.batches(manager), 1)))
                    .getMessage();
        }
    }

    @Test
    void aTensorInTwoGroupsIsRefusedNamingBoth() {
        assertEquals(
                "parameter '01Linear_weight' is a member of node group 'first' and of node group"
                        + " 'again': each tensor's rows belong to one group; list it once",
                firstStepError(List.of(group("first", "01Linear"), group("again", "01Linear"))));
    }

    @Test
    void oneParameterUnderTwoNamesIsRefusedNamingBoth() {
        assertEquals(
                "parameters '03Linear_weight' (node group 'at3') and '05Linear_weight' (node group"
                        + " 'at5') are one parameter under two names (a block used at two"
                        + " places?): removing a channel through one would cut it at the other;"
                        + " name it in one group only, or leave the shared block's groups out",
                firstStepError(List.of(group("at3", "03Linear"), group("at5", "05Linear"))));
    }

    @Test
    void discoveredGroupsOfTheSameModelTrain() {
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness run = harness(null)) {
            for (int k = 1; k <= 6; k++) {
                run.step(Scenario.batch(Scenario.batches(manager), k));
            }
            HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
            assertEquals(List.of("07Linear"), List.copyOf(hesso.prunedChannels().keySet()));
        }
    }
}
