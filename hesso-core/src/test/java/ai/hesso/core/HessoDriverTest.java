package ai.hesso.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.core.group.ChannelAxis;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.identification.Identification;
import ai.hesso.core.reference.ReferenceEngine;
import ai.hesso.core.saliency.Criterion;
import ai.hesso.core.saliency.SaliencyMix;
import ai.hesso.core.variant.VariantSettings;
import ai.hesso.testing.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HessoDriverTest {

    private static final VariantSettings SGD = VariantSettings.sgd(0.9, 0, 1e-4);

    @RegisterExtension
    final LogCapture log = LogCapture.warningsOf(HessoDriver.class, Identification.class);

    /** conv1: 8 channels; conv2: 6 channels, one member transposed; head and bias1 unprunable. */
    private static QuadraticToy toy() {
        return new QuadraticToy(0.1)
                .tensor("conv1.w", new int[] {8, 3}, 1, 0.3)
                .tensor("conv1.b", new int[] {8}, 2, 0.3)
                .tensor("conv2.w", new int[] {2, 6, 2}, 3, 0.3)
                .tensor("bn2.gamma", new int[] {6}, 4, 0.3)
                .tensor("head.w", new int[] {4, 5}, 5, 0.3)
                .tensor("one.w", new int[] {1, 3}, 6, 0.3);
    }

    private static List<NodeGroup> groups() {
        return List.of(
                NodeGroup.prunable(
                        "conv1",
                        8,
                        List.of(GroupMember.rows("conv1.w"), GroupMember.rows("conv1.b"))),
                NodeGroup.prunable(
                        "conv2",
                        6,
                        List.of(
                                new GroupMember("conv2.w", ChannelAxis.SECOND),
                                GroupMember.rows("bn2.gamma"))),
                NodeGroup.unprunable(
                        "head", 4, List.of(GroupMember.rows("head.w")), "feeds the loss"),
                NodeGroup.prunable("one", 1, List.of(GroupMember.rows("one.w"))));
    }

    private static HessoSettings.Builder settings() {
        return HessoSettings.builder()
                .optTargetGroupSparsity(0.5)
                .optStartPruningStep(5)
                .setPruningSteps(12)
                .optPruningPeriods(3);
    }

    /** Returns the global channels whose rows are exactly zero in every member. */
    private static TreeSet<Integer> zeroChannels(ReferenceEngine engine, ChannelIndex index) {
        TreeSet<Integer> zeros = new TreeSet<>();
        for (int g = 0; g < index.prunableGroups().size(); g++) {
            NodeGroup group = index.prunableGroups().get(g);
            for (int c = 0; c < group.channels(); c++) {
                if (engine.channelNorm(group, c) == 0.0) {
                    zeros.add(index.offset(g) + c);
                }
            }
        }
        return zeros;
    }

    private static TreeSet<Integer> prunedChannels(HessoDriver driver) {
        TreeSet<Integer> pruned = new TreeSet<>();
        for (int c = 0; c < driver.channelIndex().size(); c++) {
            if (driver.state(c) == ChannelState.PRUNED) {
                pruned.add(c);
            }
        }
        return pruned;
    }

    @Test
    void simulatedRunReachesExactlyKZeroChannelsAndKeepsThem() {
        QuadraticToy toy = toy();
        HessoDriver driver = new HessoDriver(settings().build(), groups());
        ReferenceEngine engine = new ReferenceEngine(driver, SGD, 0.05, toy.start);
        // N = 8 + 6 (head is unprunable, "one" has n <= groupDivisible), K = 7
        assertEquals(14, driver.channelIndex().size());
        // periods: Tp = 4, start at 6, 10, 14; the last ends at step 16
        List<Integer> periodStarts = new ArrayList<>();
        int stage = 0;
        for (int k = 1; k <= 16; k++) {
            StepPlan plan = engine.step(toy.gradients(engine), Double.NaN);
            if (driver.metrics().stage() > stage) {
                stage = driver.metrics().stage();
                periodStarts.add(k);
            }
            assertEquals(k < 6 ? Phase.WARM_UP : Phase.PRUNING, plan.phase(), "step " + k);
        }
        assertEquals(List.of(6, 10, 14), periodStarts);
        TreeSet<Integer> pruned = prunedChannels(driver);
        assertEquals(7, pruned.size());
        assertEquals(pruned, zeroChannels(engine, driver.channelIndex()));
        assertEquals(7, driver.metrics().pruned());
        assertEquals(0.5, driver.metrics().groupSparsity(), 1e-12);

        double lossAfterPruning = toy.loss(engine);
        for (int k = 17; k <= 60; k++) {
            StepPlan plan = engine.step(toy.gradients(engine), Double.NaN);
            assertEquals(Phase.PRUNED, plan.phase());
            assertEquals(pruned, zeroChannels(engine, driver.channelIndex()), "step " + k);
        }
        assertTrue(toy.loss(engine) < lossAfterPruning, "the remaining channels keep training");
    }

    @Test
    void unprunableGroupsTrainExactlyAsWithoutPruning() {
        QuadraticToy toy = toy();
        ReferenceEngine pruning = toy.engine(settings().build(), groups(), SGD, 0.05);
        ReferenceEngine plain =
                toy.engine(settings().optTargetGroupSparsity(0).build(), groups(), SGD, 0.05);
        for (int k = 0; k < 30; k++) {
            pruning.step(toy.gradients(pruning), Double.NaN);
            plain.step(toy.gradients(plain), Double.NaN);
        }
        assertArrayEquals(plain.values("head.w"), pruning.values("head.w"), 0);
        assertArrayEquals(plain.values("one.w"), pruning.values("one.w"), 0);
        for (double v : pruning.values("head.w")) {
            assertTrue(v != 0.0);
        }
    }

    @Test
    void handCheckedProjectionWithFrozenValues() {
        // lr = 0: only the plan moves values. One group of 4 channels with magnitudes 4, 1, 3, 2.
        double[] values = {4, 1, 3, 2};
        QuadraticToy toy =
                new QuadraticToy(0)
                        .tensor("w", new int[] {4}, values, values, new double[] {1, 1, 1, 1});
        HessoSettings settings =
                HessoSettings.builder()
                        .optTargetGroupSparsity(0.5)
                        .optStartPruningStep(2)
                        .setPruningSteps(3)
                        .optSaliency(SaliencyMix.of(Map.of(Criterion.MAGNITUDE, 1.0)))
                        .build();
        ReferenceEngine engine =
                toy.engine(
                        settings,
                        List.of(NodeGroup.prunable("g", 4, List.of(GroupMember.rows("w")))),
                        VariantSettings.sgd(0, 0, 0),
                        0.0);
        // Tp = 3; step 2 has t = 0 and no period; step 3 starts the period at t = 1
        toy.run(engine, 2);
        assertArrayEquals(values, engine.values("w"), 0);
        StepPlan third = toy.run(engine, 1);
        assertEquals(0.5, third.redundantFactor());
        // the norms at the scoring step: important 4 + 3, redundant 1 + 2
        HessoMetrics metrics = engine.driver().metrics();
        assertEquals(7.0, metrics.importantNorm(), 1e-12);
        assertEquals(3.0, metrics.redundantNorm(), 1e-12);
        assertEquals(2, metrics.redundant());
        assertEquals(2, metrics.important());
        assertEquals(1, metrics.stage());
        assertArrayEquals(new int[] {1, 3}, third.masks().redundant(0));
        assertArrayEquals(new double[] {4, 0.5, 3, 1}, engine.values("w"), 0);
        StepPlan fourth = toy.run(engine, 1);
        assertEquals(0.0, fourth.redundantFactor());
        assertArrayEquals(new double[] {4, 0, 3, 0}, engine.values("w"), 0);
        StepPlan fifth = toy.run(engine, 1);
        assertArrayEquals(new int[] {1, 3}, fifth.masks().pruned(0));
        assertArrayEquals(new int[] {}, fifth.masks().redundant(0));
        assertEquals(Phase.PRUNED, fifth.phase());
    }

    @Test
    void groupDivisibleKeepsMultiplesAndAdjustsTheTarget() {
        QuadraticToy toy =
                new QuadraticToy(0.1)
                        .tensor("a", new int[] {8, 2}, 11, 0.5)
                        .tensor("b", new int[] {12, 2}, 12, 0.5)
                        .tensor("c", new int[] {6, 2}, 13, 0.5);
        List<NodeGroup> groups =
                List.of(
                        NodeGroup.prunable("a", 8, List.of(GroupMember.rows("a"))),
                        NodeGroup.prunable("b", 12, List.of(GroupMember.rows("b"))),
                        NodeGroup.prunable("c", 6, List.of(GroupMember.rows("c"))));
        HessoSettings settings =
                settings().optTargetGroupSparsity(0.5).optGroupDivisible(4).build();
        HessoDriver driver = new HessoDriver(settings, groups);
        ReferenceEngine engine = new ReferenceEngine(driver, SGD, 0.05, toy.start);
        assertEquals(26, driver.channelIndex().size());
        for (int k = 0; k < 25; k++) {
            engine.step(toy.gradients(engine), Double.NaN);
        }
        Map<String, int[]> pruned = driver.prunedChannels();
        int total = 0;
        for (NodeGroup group : groups) {
            int remaining = group.channels() - pruned.get(group.name()).length;
            assertEquals(0, remaining % 4, group.name() + " keeps " + remaining);
            assertTrue(remaining >= 4);
            total += pruned.get(group.name()).length;
        }
        int adjusted = driver.metrics().targetChannels();
        assertEquals(adjusted, total);
        assertTrue(adjusted <= 13);
        assertEquals(total, zeroChannels(engine, driver.channelIndex()).size());
        // every selection that rounding shrank says so, down to the adjusted target
        assertEquals(
                List.of(
                        "groupDivisible 4 gave back 4 of the 4 channels selected now; the target"
                                + " is 9 channels instead of 13",
                        "groupDivisible 4 gave back 2 of the 4 channels selected now; the target"
                                + " is 7 channels instead of 13",
                        "groupDivisible 4 gave back 5 of the 5 channels selected now; the target"
                                + " is "
                                + adjusted
                                + " channels instead of 13"),
                log.take());
    }

    @Test
    void sameSeedSameDataGiveTheSamePrunedSet() {
        QuadraticToy toy = toy();
        ReferenceEngine first = toy.engine(settings().build(), groups(), SGD, 0.05);
        ReferenceEngine second = toy.engine(settings().build(), groups(), SGD, 0.05);
        for (int k = 0; k < 20; k++) {
            first.step(toy.gradients(first), Double.NaN);
            second.step(toy.gradients(second), Double.NaN);
        }
        for (String name : toy.start.keySet()) {
            assertArrayEquals(first.values(name), second.values(name), 0);
        }
    }

    @Test
    void zeroSparsityNeverScalesOrZeroes() {
        QuadraticToy toy = toy();
        ReferenceEngine engine =
                toy.engine(settings().optTargetGroupSparsity(0).build(), groups(), SGD, 0.05);
        // the plain variant, step by step, on the same gradients
        Map<String, ai.hesso.core.variant.ReferenceDirection> plain = new java.util.HashMap<>();
        Map<String, double[]> values = new java.util.HashMap<>();
        toy.start.forEach((name, t) -> values.put(name, t.values().clone()));
        for (int k = 1; k <= 30; k++) {
            Map<String, double[]> gradients = toy.gradients(engine);
            StepPlan plan = engine.step(gradients, Double.NaN);
            assertEquals(1.0, plan.redundantFactor());
            for (int g = 0; g < 2; g++) {
                assertFalse(plan.masks().touches(g));
            }
            for (String name : toy.start.keySet()) {
                double[] x = values.get(name);
                double[] d =
                        plain.computeIfAbsent(
                                        name,
                                        n -> new ai.hesso.core.variant.ReferenceDirection(SGD))
                                .direction(x, gradients.get(name));
                for (int i = 0; i < x.length; i++) {
                    x[i] -= 0.05 * d[i];
                }
                assertArrayEquals(x, engine.values(name), 0, name + " at step " + k);
            }
        }
    }

    @Test
    void settingsAreValidatedWithTheirNames() {
        assertMessage("targetGroupSparsity", () -> settings().optTargetGroupSparsity(1.0).build());
        assertMessage(
                "targetGroupSparsity", () -> settings().optTargetGroupSparsity(Double.NaN).build());
        assertMessage("groupDivisible", () -> settings().optGroupDivisible(0).build());
        assertMessage("pruningPeriods", () -> settings().optPruningPeriods(0).build());
        assertMessage("pruningSteps", () -> settings().optPruningPeriods(20).build());
        assertMessage("pruningSteps", () -> HessoSettings.builder().build());
        assertMessage("startPruningStep", () -> settings().optStartPruningStep(-3).build());
    }

    @Test
    void aPositiveSparsityThatPrunesNothingTrainsPlainlyAndSaysWhy() {
        // K = floor(3 * 0.1) = 0: the spec trains plainly; the driver explains, engines decide
        HessoDriver roundsDown =
                new HessoDriver(
                        settings().optTargetGroupSparsity(0.1).build(),
                        List.of(NodeGroup.prunable("x", 3, List.of(GroupMember.rows("x")))));
        assertTrue(roundsDown.nothingToPruneReason().orElseThrow().contains("rounds down to 0"));
        assertEquals(0, roundsDown.metrics().targetChannels());
        HessoDriver noGroup =
                new HessoDriver(
                        settings().build(),
                        List.of(
                                NodeGroup.unprunable(
                                        "x", 3, List.of(GroupMember.rows("x")), "why")));
        assertTrue(
                noGroup.nothingToPruneReason().orElseThrow().contains("no node group is prunable"));
        HessoDriver plain =
                new HessoDriver(
                        settings().optTargetGroupSparsity(0).build(),
                        List.of(NodeGroup.prunable("x", 3, List.of(GroupMember.rows("x")))));
        assertTrue(plain.nothingToPruneReason().isEmpty());
        // the driver explains when asked and logs nothing: the engine refuses or warns
        assertEquals(List.of(), log.take());
        for (HessoDriver driver : List.of(roundsDown, noGroup)) {
            for (int k = 1; k <= 20; k++) {
                StepPlan plan = driver.nextStep(null);
                assertTrue(plan.update());
                assertEquals(1.0, plan.redundantFactor());
                for (int g = 0; g < driver.channelIndex().prunableGroups().size(); g++) {
                    assertFalse(plan.masks().touches(g));
                }
            }
        }
    }

    @Test
    void groupDivisibleThatGivesBackEverySelectionIsExplained() {
        // q = 16: the 16-channel group is not prunable (n <= q), N = 24, K = 12. The 24-channel
        // group can only shrink to 16, so one selection must take 8 of its channels: two periods
        // (quotas 6 and 6) prune nothing, one period (quota 12) can
        List<NodeGroup> groups =
                List.of(
                        NodeGroup.prunable("a", 24, List.of(GroupMember.rows("a"))),
                        NodeGroup.prunable("b", 16, List.of(GroupMember.rows("b"))));
        HessoDriver twoPeriods =
                new HessoDriver(
                        settings().optGroupDivisible(16).optPruningPeriods(2).build(), groups);
        assertEquals(
                "groupDivisible 16 leaves nothing to prune: the largest selection is 6 channels"
                        + " (quotas [6, 6] of target 12), but even node group 'a' (24 channels)"
                        + " keeps a multiple of 16 only if one selection takes at least 8 of its"
                        + " channels; use fewer pruning periods, a higher targetGroupSparsity or a"
                        + " smaller groupDivisible",
                twoPeriods.nothingToPruneReason().orElseThrow());
        HessoDriver onePeriod =
                new HessoDriver(
                        settings().optGroupDivisible(16).optPruningPeriods(1).build(), groups);
        assertTrue(onePeriod.nothingToPruneReason().isEmpty());
    }

    private static void assertMessage(String expected, Runnable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(
                e.getMessage().contains(expected),
                "message '" + e.getMessage() + "' should name " + expected);
    }
}
