package ai.hesso.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.core.cric.CricSettings;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.reference.ReferenceEngine;
import ai.hesso.core.variant.VariantSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The paper's claim for CRIC: a channel with a small magnitude whose removal blows up the loss is
 * pruned by plain HESSO and kept by HESSO-CRIC.
 */
class CricTest {

    private static final VariantSettings SGD = VariantSettings.sgd(0, 0, 0);
    private static final double LR = 1e-4;

    /**
     * Group "a": channel 0 is tiny (0.05) but weighs 1000 in the loss; channel 1 is 0.9. Group "b":
     * eight channels of magnitude 0.2 .. 0.9, weight 1. Every entry starts at its target.
     */
    private static QuadraticToy toy() {
        double[] b = {0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
        return new QuadraticToy(0.1)
                .tensor(
                        "a",
                        new int[] {2, 1},
                        new double[] {0.05, 0.9},
                        new double[] {0.05, 0.9},
                        new double[] {1000, 1})
                .tensor("b", new int[] {8, 1}, b, b, new double[] {1, 1, 1, 1, 1, 1, 1, 1});
    }

    private static List<NodeGroup> groups() {
        return List.of(
                NodeGroup.prunable("a", 2, List.of(GroupMember.rows("a"))),
                NodeGroup.prunable("b", 8, List.of(GroupMember.rows("b"))));
    }

    private static CricSettings cric() {
        return CricSettings.builder()
                .setStartCricStep(3)
                .optSamplingSteps(4)
                .optMaxCycles(3)
                .optHybridTrainingSteps(5)
                .build();
    }

    @Test
    void plainHessoPrunesTheIndispensableChannelAndCricKeepsIt() {
        QuadraticToy toy = toy();
        HessoDriver hesso =
                new HessoDriver(
                        HessoSettings.builder()
                                .optTargetGroupSparsity(0.3)
                                .optStartPruningStep(2)
                                .setPruningSteps(4)
                                .build(),
                        groups());
        ReferenceEngine hessoEngine = new ReferenceEngine(hesso, SGD, LR, toy.start);
        toy.run(hessoEngine, 60);
        assertArrayEquals(new int[] {0}, hesso.prunedChannels().get("a"));
        assertArrayEquals(new int[] {0, 1}, hesso.prunedChannels().get("b"));

        HessoDriver cric =
                new HessoDriver(
                        HessoSettings.builder().optTargetGroupSparsity(0.3).optCric(cric()).build(),
                        groups());
        ReferenceEngine cricEngine = new ReferenceEngine(cric, SGD, LR, toy.start);
        toy.run(cricEngine, 60);
        assertEquals(Phase.PRUNED, cric.metrics().phase());
        assertArrayEquals(new int[] {}, cric.prunedChannels().get("a"));
        assertArrayEquals(new int[] {0, 1, 2}, cric.prunedChannels().get("b"));
        assertEquals(0.0, cricEngine.values("b")[2]);
        assertTrue(cricEngine.values("a")[0] > 0.04);
        // pruning the tiny channel costs 1000 * 0.05^2 = 2.5; CRIC's choice costs 0.29
        assertEquals(0.1 + 2.5 + 0.13, toy.loss(hessoEngine), 0.01);
        assertEquals(0.1 + 0.29, toy.loss(cricEngine), 0.01);
    }

    @Test
    void probePhaseZeroesRecordsAndRestoresWithoutUpdates() {
        QuadraticToy toy =
                new QuadraticToy(0.5)
                        .tensor("a", new int[] {2, 1}, 1, 0.5)
                        .tensor("b", new int[] {8, 1}, 2, 0.5);
        HessoDriver driver =
                new HessoDriver(
                        HessoSettings.builder().optTargetGroupSparsity(0.3).optCric(cric()).build(),
                        groups());
        ReferenceEngine engine = new ReferenceEngine(driver, SGD, 0.1, toy.start);
        StepPlan plan = toy.run(engine, 2);
        assertEquals(Phase.WARM_UP, plan.phase());
        assertTrue(plan.update());
        double[] snapshotA = engine.values("a");
        double[] snapshotB = engine.values("b");

        // 2 groups x 3 sparsities = 6 probes = 12 steps: 3 .. 14
        for (int k = 3; k <= 14; k++) {
            plan = toy.run(engine, 1);
            assertEquals(Phase.CRIC_PROBE, plan.phase(), "step " + k);
            assertFalse(plan.update(), "no gradient update while probing");
            boolean zeroing = (k - 3) % 2 == 0;
            assertEquals(k == 3, plan.snapshot());
            assertEquals(!zeroing, plan.restore());
            if (zeroing) {
                int probe = (k - 3) / 2;
                int group = probe / 3;
                int n = group == 0 ? 2 : 8;
                int expected =
                        Math.max(
                                1, (int) Math.floor(n * new double[] {0.25, 0.5, 0.75}[probe % 3]));
                assertEquals(expected, plan.masks().redundant(group).length, "step " + k);
                assertEquals(0.0, plan.redundantFactor());
            }
        }
        assertArrayEquals(snapshotA, engine.values("a"), 0);
        assertArrayEquals(snapshotB, engine.values("b"), 0);

        plan = toy.run(engine, 1);
        assertEquals(Phase.CRIC_CYCLE, plan.phase());
        assertTrue(plan.restore());
        assertTrue(plan.update());
        assertEquals(3, driver.metrics().redundant(), "cycle 1 projects the K lowest");
        assertEquals(0.75, plan.redundantFactor());
    }

    @Test
    void cricNeedsTheLoss() {
        QuadraticToy toy = toy();
        HessoDriver driver =
                new HessoDriver(
                        HessoSettings.builder().optTargetGroupSparsity(0.3).optCric(cric()).build(),
                        groups());
        ReferenceEngine engine = new ReferenceEngine(driver, SGD, LR, toy.start);
        engine.step(toy.gradients(engine), Double.NaN);
        engine.step(toy.gradients(engine), Double.NaN);
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () -> engine.step(toy.gradients(engine), Double.NaN));
        assertTrue(e.getMessage().contains("loss"));
    }

    @Test
    void zeroSparsitySkipsCricEntirely() {
        QuadraticToy toy = toy();
        HessoDriver driver =
                new HessoDriver(
                        HessoSettings.builder().optTargetGroupSparsity(0).optCric(cric()).build(),
                        groups());
        ReferenceEngine engine = new ReferenceEngine(driver, SGD, LR, toy.start);
        for (int k = 0; k < 40; k++) {
            StepPlan plan = engine.step(toy.gradients(engine), Double.NaN);
            assertTrue(plan.update());
            assertFalse(plan.snapshot() || plan.restore());
            assertFalse(plan.masks().touches(0) || plan.masks().touches(1));
        }
    }

    @Test
    void cricSettingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> CricSettings.builder().build());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                CricSettings.builder()
                                        .setStartCricStep(1)
                                        .optSamplingSteps(0)
                                        .build());
        assertTrue(e.getMessage().contains("samplingSteps"));
        assertThrows(
                IllegalArgumentException.class,
                () -> CricSettings.builder().setStartCricStep(1).optTrialSparsities(1.0).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> CricSettings.builder().setStartCricStep(1).optLossWeight(-1).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> CricSettings.builder().setStartCricStep(0).build());
    }
}
