package ai.hesso.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.core.cost.ChannelCosts;
import ai.hesso.core.cost.CostReport;
import ai.hesso.core.cost.LayerMacModel;
import ai.hesso.core.cost.LayerMacs;
import ai.hesso.core.cost.Width;
import ai.hesso.core.cric.CricSettings;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.reference.ReferenceEngine;
import ai.hesso.core.selection.PerGroupBudget;
import ai.hesso.core.variant.VariantSettings;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The driver with a MAC budget on a toy with two prunable groups: {@code conv1} (8 channels, 3
 * inputs) feeds {@code conv2} (6 channels), which feeds a 4-unit head. MACs: {@code 10 * 3 * k1 + 5
 * * k1 * k2 + 2 * k2 * 4}, dense 240 + 240 + 48 = 528; a conv1 channel saves {@code 30 + 5 k2} (60
 * dense), a conv2 channel {@code 5 k1 + 8} (48 dense).
 */
class MacBudgetDriverTest {

    private static final VariantSettings SGD = VariantSettings.sgd(0.9, 0, 1e-4);
    private static final LayerMacModel COST =
            new LayerMacModel(
                    List.of(
                            new LayerMacs("conv1", 10, Width.fixed(3), Width.of("conv1")),
                            new LayerMacs("conv2", 5, Width.of("conv1"), Width.of("conv2")),
                            new LayerMacs("head", 2, Width.of("conv2"), Width.fixed(4))),
                    Map.of("conv1", 8, "conv2", 6));

    private static QuadraticToy toy() {
        return new QuadraticToy(0.1)
                .tensor("conv1.w", new int[] {8, 3}, 1, 0.3)
                .tensor("conv2.w", new int[] {6, 8}, 3, 0.3)
                .tensor("head.w", new int[] {4, 6}, 5, 0.3);
    }

    private static List<NodeGroup> groups() {
        return List.of(
                NodeGroup.prunable("conv1", 8, List.of(GroupMember.rows("conv1.w"))),
                NodeGroup.prunable("conv2", 6, List.of(GroupMember.rows("conv2.w"))),
                NodeGroup.unprunable("head", 4, List.of(GroupMember.rows("head.w")), "output"));
    }

    private static HessoSettings.Builder periodic(double budget) {
        return HessoSettings.builder()
                .optTargetMacs(budget)
                .optStartPruningStep(5)
                .setPruningSteps(12)
                .optPruningPeriods(3);
    }

    private static int[] kept(HessoDriver driver) {
        Map<String, int[]> pruned = driver.prunedChannels();
        return new int[] {8 - pruned.get("conv1").length, 6 - pruned.get("conv2").length};
    }

    private static long macs(int[] kept) {
        return 30L * kept[0] + 5L * kept[0] * kept[1] + 8L * kept[1];
    }

    private static TreeSet<Integer> zeroChannels(ReferenceEngine engine, ChannelIndex index) {
        TreeSet<Integer> zeros = new TreeSet<>();
        for (int g = 0; g < index.prunableGroups().size(); g++) {
            for (int c = 0; c < index.prunableGroups().get(g).channels(); c++) {
                if (engine.channelNorm(index.prunableGroups().get(g), c) == 0.0) {
                    zeros.add(index.offset(g) + c);
                }
            }
        }
        return zeros;
    }

    private static TreeSet<Integer> pruned(HessoDriver driver) {
        TreeSet<Integer> pruned = new TreeSet<>();
        for (int c = 0; c < driver.channelIndex().size(); c++) {
            if (driver.state(c) == ChannelState.PRUNED) {
                pruned.add(c);
            }
        }
        return pruned;
    }

    @Test
    void periodsSpendTheBudgetInEqualSharesAndEndWithinOneChannel() {
        QuadraticToy toy = toy();
        HessoDriver driver = new HessoDriver(periodic(0.4).build(), groups(), null, COST);
        ReferenceEngine engine = new ReferenceEngine(driver, SGD, 0.05, toy.start);
        // periods start at 6, 10, 14 (Tp = 4) and end at 8, 12, 16; the fractions left after
        // each are 1 - 0.6 / 3 = 0.8, 1 - 1.2 / 3 = 0.6 and 0.4: at most 422, 316 and 211 MACs
        long[] limits = {422, 316, 211};
        int period = 0;
        for (int k = 1; k <= 20; k++) {
            engine.step(toy.gradients(engine), Double.NaN);
            if (k == 8 || k == 12 || k == 16) {
                long macs = macs(kept(driver));
                assertTrue(macs <= limits[period], "period " + period + ": " + macs);
                // the largest saving of any channel is 60 (a conv1 channel at full width)
                assertTrue(macs > limits[period] - 60, "period " + period + ": " + macs);
                period++;
            }
        }
        CostReport report = driver.costReport().orElseThrow();
        assertEquals(528, report.denseMacs());
        assertEquals(macs(kept(driver)), report.currentMacs());
        assertEquals(report.currentMacs(), report.plannedMacs());
        assertEquals(211, report.budgetMacs());
        assertEquals((double) report.currentMacs() / 528, report.fraction(), 1e-15);
        assertEquals(pruned(driver), zeroChannels(engine, driver.channelIndex()));
        assertEquals(driver.metrics().pruned(), driver.metrics().targetChannels());
        assertEquals(Phase.PRUNED, driver.metrics().phase());
    }

    @Test
    void groupDivisibleKeepsEvenWidths() {
        QuadraticToy toy = toy();
        HessoDriver driver =
                new HessoDriver(periodic(0.3).optGroupDivisible(2).build(), groups(), null, COST);
        ReferenceEngine engine = new ReferenceEngine(driver, SGD, 0.05, toy.start);
        toy.run(engine, 20);
        int[] kept = kept(driver);
        assertEquals(0, kept[0] % 2);
        assertEquals(0, kept[1] % 2);
        long macs = macs(kept);
        // 0.3 * 528 = 158.4: at most 158, and within one move (2 conv1 channels, 120 MACs)
        assertTrue(macs <= 158 && macs > 158 - 120, "MACs " + macs);
    }

    @Test
    void cricSelectsOnceWithinTheBudget() {
        QuadraticToy toy = toy();
        HessoSettings settings =
                HessoSettings.builder()
                        .optTargetMacs(0.5)
                        .optCric(
                                CricSettings.builder()
                                        .setStartCricStep(3)
                                        .optSamplingSteps(3)
                                        .optMaxCycles(2)
                                        .optHybridTrainingSteps(4)
                                        .build())
                        .build();
        HessoDriver driver = new HessoDriver(settings, groups(), null, COST);
        ReferenceEngine engine = new ReferenceEngine(driver, SGD, 0.05, toy.start);
        toy.run(engine, 60);
        assertEquals(Phase.PRUNED, driver.metrics().phase());
        long macs = macs(kept(driver));
        // 0.5 * 528 = 264
        assertTrue(macs <= 264 && macs > 264 - 60, "MACs " + macs);
        assertEquals(pruned(driver), zeroChannels(engine, driver.channelIndex()));
    }

    @Test
    void boundsUnderAMacBudgetKeepEveryGroupWithinItsBand() {
        // floor = cap = 0.5: conv1 loses exactly 4 of 8, conv2 3 of 6, whatever the budget asks:
        // (4, 3) costs 120 + 60 + 24 = 204, within 0.4 * 528 = 211
        HessoDriver pinned = run(periodic(0.4).optGroupSparsityBounds(0.5, 0.5).build());
        assertArrayEquals(new int[] {4, 3}, kept(pinned));
        // without bounds the walk ends elsewhere, within the same budget
        int[] free = kept(run(periodic(0.4).build()));
        assertTrue(macs(free) <= 211, "MACs " + macs(free));
        assertTrue(free[0] != 4 || free[1] != 3, java.util.Arrays.toString(free));
        // cap 0.5: no group below half its width; floor 0.25: conv1 loses at least 2, conv2 1
        HessoDriver banded = run(periodic(0.4).optGroupSparsityBounds(0.25, 0.5).build());
        int[] k = kept(banded);
        assertTrue(k[0] >= 4 && k[0] <= 6 && k[1] >= 3 && k[1] <= 5, java.util.Arrays.toString(k));
        assertTrue(macs(k) <= 211 && macs(k) > 211 - 60, "MACs " + macs(k));
        assertEquals(Phase.PRUNED, banded.metrics().phase());
    }

    @Test
    void perGroupAllocationTurnsTheBudgetIntoTheSmallestCountThatMeetsIt() {
        // the same-fraction split (GroupQuotas: the group whose fraction after one more is lowest,
        // ties to conv1) of K channels: 6 -> (4, 2), widths (4, 4), 120 + 80 + 32 = 232 MACs;
        // 7 -> (4, 3), widths (4, 3), 120 + 60 + 24 = 204, within 0.4 * 528 = 211
        ChannelCosts costs = new ChannelCosts(COST, new ChannelIndex(groups(), 1));
        assertArrayEquals(new int[] {4, 4}, PerGroupBudget.widths(costs, 6));
        assertArrayEquals(new int[] {4, 3}, PerGroupBudget.widths(costs, 7));
        assertEquals(7, PerGroupBudget.count(costs, 211));
        assertEquals(6, PerGroupBudget.count(costs, 232));
        assertEquals(0, PerGroupBudget.count(costs, 528));
        // every group at one channel: 30 + 5 + 8 = 43
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> PerGroupBudget.count(costs, 42));
        assertTrue(e.getMessage().contains("keeps 43 of 528 MACs"), e.getMessage());

        HessoDriver driver = run(periodic(0.4).optAllocation(Allocation.PER_GROUP).build());
        assertEquals(7, driver.metrics().targetChannels());
        assertArrayEquals(new int[] {4, 3}, kept(driver));
        CostReport report = driver.costReport().orElseThrow();
        assertEquals(204, report.currentMacs());
        assertEquals(211, report.budgetMacs());
    }

    @Test
    void aCapThatLeavesTheBudgetOutOfReachIsRefused() {
        // cap 0.5 keeps at least (4, 3): 204 of 528 MACs = 0.38636
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new HessoDriver(
                                        periodic(0.3).optGroupSparsityBounds(0, 0.5).build(),
                                        groups(),
                                        null,
                                        COST));
        assertEquals(
                "targetMacs 0.3 is out of reach: with every prunable node group down to what the"
                        + " group sparsity cap 0.5 allows and the other layers unchanged the model"
                        + " keeps 204 of 528 MACs (0.3864); set targetMacs to at least 0.3864, or"
                        + " raise the cap",
                e.getMessage());
    }

    private static HessoDriver run(HessoSettings settings) {
        QuadraticToy toy = toy();
        HessoDriver driver = new HessoDriver(settings, groups(), null, COST);
        ReferenceEngine engine = new ReferenceEngine(driver, SGD, 0.05, toy.start);
        toy.run(engine, 20);
        assertEquals(pruned(driver), zeroChannels(engine, driver.channelIndex()));
        return driver;
    }

    @Test
    void aMacBudgetNeedsACostModelAndAReachableTarget() {
        IllegalArgumentException missing =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new HessoDriver(periodic(0.4).build(), groups()));
        assertTrue(missing.getMessage().contains("no cost model"), missing.getMessage());
        // every group at one channel: 30 + 5 + 8 = 43 of 528 = 0.0814
        IllegalArgumentException low =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new HessoDriver(periodic(0.05).build(), groups(), null, COST));
        assertTrue(low.getMessage().contains("targetMacs 0.05 is out of reach"), low.getMessage());
        assertTrue(low.getMessage().contains("at least 0.0815"), low.getMessage());
    }

    @Test
    void theGroupSparsityPathIgnoresACostModel() {
        // the same settings with and without a cost model plan the same steps
        HessoSettings settings =
                HessoSettings.builder()
                        .optTargetGroupSparsity(0.5)
                        .optStartPruningStep(5)
                        .setPruningSteps(12)
                        .optPruningPeriods(3)
                        .build();
        QuadraticToy toy = toy();
        ReferenceEngine with =
                new ReferenceEngine(
                        new HessoDriver(settings, groups(), null, COST), SGD, 0.05, toy.start);
        ReferenceEngine without = toy.engine(settings, groups(), SGD, 0.05);
        for (int k = 0; k < 20; k++) {
            with.step(toy.gradients(with), Double.NaN);
            without.step(toy.gradients(without), Double.NaN);
        }
        for (String group : List.of("conv1", "conv2")) {
            assertArrayEquals(
                    without.driver().prunedChannels().get(group),
                    with.driver().prunedChannels().get(group));
        }
        assertArrayEquals(without.values("conv2.w"), with.values("conv2.w"), 0);
        assertTrue(with.driver().costReport().isEmpty());
    }
}
