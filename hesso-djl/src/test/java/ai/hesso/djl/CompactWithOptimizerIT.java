package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.hesso.core.ChannelState;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.Phase;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.djl.compact.ChannelSelection;
import ai.hesso.djl.compact.CompactModel;
import ai.hesso.djl.compact.Compaction;
import ai.hesso.djl.compact.CompactionOptions;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.testing.LogCapture;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Compacting with the optimizer: a run whose pruning has not completed is refused unless asked for,
 * with the step it is at and the step pruning completes; the zero channels of the arrays must be
 * exactly the optimizer's pruned channels when both are given, and each channel that differs is
 * named with why. The {@link Scenario} MLP {@code 6 -> 16 -> 16 -> 3}: 32 prunable channels;
 * periods pruning 16 of them in quotas 5, 5, 6 that end with steps 9, 13, 17; CRIC probing at 5..16
 * and pruning 8 between step 22 and step 28.
 */
class CompactWithOptimizerIT {

    private static final CompactionOptions ANYWAY =
            CompactionOptions.builder().optAllowUnfinished(true).build();

    /** What an allowed unfinished compaction says, once per call. */
    private static final String ANYWAY_WARNING =
            "compacting anyway (allowUnfinished): HESSO has not finished pruning: the run is at step ";

    @RegisterExtension
    final LogCapture log = LogCapture.warningsOf("ai.hesso.djl.compact.OptimizerChannels");

    @Test
    void anUnfinishedRunIsRefusedWithItsStepAndTheStepPruningCompletesAt() {
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness run =
                        Scenario.harness(Scenario.periodic(), Scenario.sgd(), 7, b -> b)) {
            List<NDList> batches = Scenario.batches(manager);
            HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
            Block block = run.model.getBlock();
            DiscoveryReport report =
                    GroupDiscovery.builder().build().discover(block, Scenario.INPUT);
            for (int k = 1; k <= 12; k++) {
                run.step(Scenario.batch(batches, k));
            }
            assertFalse(hesso.pruningComplete());
            IllegalStateException refused =
                    assertThrows(
                            IllegalStateException.class,
                            () -> Compaction.compact(block, report, hesso, Scenario.INPUT));
            // period 1 (7..9) pruned 5 of 32, period 2 (11..13) projects 5 more
            assertEquals(
                    "HESSO has not finished pruning: the run is at step 12 PRUNING stage 2: group"
                            + " sparsity 0.156 (pruned 5, redundant 5, important 22 of 32; target"
                            + " 16), 5 of 5 pruned verified exactly zero; pruning completes at"
                            + " step 17, and compacting now would remove only the 5 channels"
                            + " pruned so far of the target 16. Train until pruning completes (to"
                            + " the end of the schedule), or pass"
                            + " CompactionOptions.builder().optAllowUnfinished(true).build() to"
                            + " compact what is pruned so far",
                    refused.getMessage());
            // the optimizer's own door refuses the same way
            assertEquals(
                    refused.getMessage(),
                    assertThrows(IllegalStateException.class, hesso::compact).getMessage());
            // the zero-driven path with the optimizer refuses the same way
            assertEquals(
                    refused.getMessage(),
                    assertThrows(
                                    IllegalStateException.class,
                                    () ->
                                            Compaction.compactZeroChannels(
                                                    block, report, hesso, Scenario.INPUT))
                            .getMessage());

            Map<String, int[]> pruned = nonEmpty(hesso.driver().prunedChannels());
            try (CompactModel partial =
                    Compaction.compact(block, report, hesso, ANYWAY, Scenario.INPUT)) {
                assertEquals(5, partial.selection().count());
                assertSameChannels(pruned, partial.selection());
                assertEquals(mlpParameters(pruned, hesso), partial.report().after().parameters());
            }
            List<String> warned = log.take();
            assertEquals(1, warned.size(), warned.toString());
            assertTrue(warned.get(0).startsWith(ANYWAY_WARNING + "12 "), warned.get(0));

            for (int k = 13; k <= 17; k++) {
                run.step(Scenario.batch(batches, k));
            }
            assertTrue(hesso.pruningComplete(), "the last period ended with step 17");
            assertEquals(hesso.driver().pruningEnd(), hesso.pruningEnd());
            // 16 PRUNED channels over both groups, none left REDUNDANT
            long prunedStates =
                    hesso.channelStates().values().stream()
                            .flatMap(Arrays::stream)
                            .filter(state -> state == ChannelState.PRUNED)
                            .count();
            assertEquals(16, prunedStates);
            // the step that ended the last period still reports the phase it projected in
            assertEquals(Phase.PRUNING, hesso.metrics().phase());
            Map<String, int[]> all = nonEmpty(hesso.driver().prunedChannels());
            try (CompactModel whole = Compaction.compact(block, report, hesso, Scenario.INPUT);
                    CompactModel zeros =
                            Compaction.compactZeroChannels(block, report, hesso, Scenario.INPUT)) {
                assertEquals(16, whole.selection().count());
                assertSameChannels(all, whole.selection());
                assertSameChannels(all, zeros.selection());
                assertEquals(mlpParameters(all, hesso), whole.report().after().parameters());
            }
            // the optimizer compacts with its own node groups and input shapes, the same model
            assertEquals(all.keySet(), hesso.prunedChannels().keySet());
            try (CompactModel own = hesso.compact()) {
                assertEquals(16, own.selection().count());
                assertSameChannels(all, own.selection());
                assertEquals(mlpParameters(all, hesso), own.report().after().parameters());
            }
        }
    }

    @Test
    void compactNeedsTheOptimizersOwnDiscovery() {
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness run =
                        Scenario.harness(
                                Scenario.periodic(),
                                Scenario.sgd(),
                                7,
                                b ->
                                        b.optNodeGroupSource(
                                                block ->
                                                        GroupDiscovery.builder()
                                                                .build()
                                                                .discover(
                                                                        block,
                                                                        block.getInputShapes())
                                                                .nodeGroups()))) {
            List<NDList> batches = Scenario.batches(manager);
            HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
            for (int k = 1; k <= 18; k++) {
                run.step(Scenario.batch(batches, k));
            }
            assertTrue(hesso.pruningComplete());
            assertEquals(16, hesso.metrics().pruned());
            IllegalStateException refused =
                    assertThrows(IllegalStateException.class, hesso::compact);
            assertEquals(
                    "this optimizer was given its node groups by hand (optNodeGroups or"
                            + " optNodeGroupSource), so it has no discovery report to compact"
                            + " with: call Compaction.compact(block, report, hesso, inputShapes)"
                            + " with a DiscoveryReport whose node groups are the ones you gave,"
                            + " or let the optimizer discover them (the default) to use"
                            + " hesso.compact()",
                    refused.getMessage());
        }
    }

    @Test
    void givenTheOptimizerTheZeroChannelsMustBeItsPrunedChannels() {
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness run =
                        Scenario.harness(Scenario.periodic(), Scenario.sgd(), 7, b -> b)) {
            List<NDList> batches = Scenario.batches(manager);
            HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
            Block block = run.model.getBlock();
            DiscoveryReport report =
                    GroupDiscovery.builder().build().discover(block, Scenario.INPUT);
            for (int k = 1; k <= 18; k++) {
                run.step(Scenario.batch(batches, k));
            }
            assertTrue(hesso.pruningComplete());
            NodeGroup first = hesso.driver().channelIndex().prunableGroups().get(0);
            int[] pruned = hesso.driver().prunedChannels().get(first.name());
            int kept = firstNotIn(pruned, first.channels());
            // a dead channel: every member row exactly zero though HESSO keeps it
            setRows(block, first, kept, 0f);
            IllegalStateException dead =
                    assertThrows(
                            IllegalStateException.class,
                            () ->
                                    Compaction.compactZeroChannels(
                                            block, report, hesso, Scenario.INPUT));
            assertEquals(
                    "the channels that are zero in the block's arrays are not HESSO's pruned"
                            + " channels: zero in the arrays but not pruned by HESSO: node group '"
                            + first.name()
                            + "' channels ["
                            + kept
                            + "] (kept by HESSO: a dead channel, or rows set to zero outside the"
                            + " optimizer). Compaction.compact(block, report, hesso, inputShapes)"
                            + " removes exactly the pruned channels",
                    dead.getMessage());
            // the optimizer's set is still what the optimizer-driven path removes
            try (CompactModel compact = Compaction.compact(block, report, hesso, Scenario.INPUT)) {
                assertEquals(16, compact.selection().count());
                assertSameChannels(nonEmpty(hesso.driver().prunedChannels()), compact.selection());
            }

            // a pruned channel changed after training
            setRows(block, first, pruned[0], 0.5f);
            IllegalStateException changed =
                    assertThrows(
                            IllegalStateException.class,
                            () -> Compaction.compact(block, report, hesso, Scenario.INPUT));
            assertEquals(
                    "HESSO pruned channels that are not exactly zero in the block's arrays: node"
                            + " group '"
                            + first.name()
                            + "' channels ["
                            + pruned[0]
                            + "]; is this the block the optimizer trained (its setBlock(..)), with"
                            + " the parameters training left? Parameters changed or loaded after"
                            + " training no longer match the optimizer's pruned set",
                    changed.getMessage());
            IllegalStateException both =
                    assertThrows(
                            IllegalStateException.class,
                            () ->
                                    Compaction.compactZeroChannels(
                                            block, report, hesso, Scenario.INPUT));
            assertEquals(
                    "the channels that are zero in the block's arrays are not HESSO's pruned"
                            + " channels: zero in the arrays but not pruned by HESSO: node group '"
                            + first.name()
                            + "' channels ["
                            + kept
                            + "] (kept by HESSO: a dead channel, or rows set to zero outside the"
                            + " optimizer); pruned by HESSO but not zero in the arrays (parameters"
                            + " changed or loaded after training, or not the block the optimizer"
                            + " trained): node group '"
                            + first.name()
                            + "' channels ["
                            + pruned[0]
                            + "]. Compaction.compact(block, report, hesso, inputShapes) removes"
                            + " exactly the pruned channels",
                    both.getMessage());
        }
    }

    @Test
    void insideACricProbeTheZeroChannelsAreTheProbesNotThePrunedOnes() {
        HessoSettings cric = Scenario.cric();
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness run = Scenario.harness(cric, Scenario.sgd(), 7, b -> b)) {
            List<NDList> batches = Scenario.batches(manager);
            HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
            Block block = run.model.getBlock();
            DiscoveryReport report =
                    GroupDiscovery.builder().build().discover(block, Scenario.INPUT);
            // step 5 takes the reference and zeroes probe 0, 6 restores, 7 zeroes probe 1: the
            // first group's 8 (= 16 * 0.5) lowest-scoring channels
            for (int k = 1; k <= 7; k++) {
                run.step(Scenario.batch(batches, k));
            }
            NodeGroup first = hesso.driver().channelIndex().prunableGroups().get(0);
            int[] probed = hesso.driver().masks().redundant(0);
            assertEquals(8, probed.length);
            assertEquals(0, hesso.metrics().pruned());
            // the public read-out: the probe's channels are REDUNDANT, every other one IMPORTANT
            ChannelState[] states = hesso.channelStates().get(first.name());
            assertEquals(16, states.length);
            for (int c = 0; c < 16; c++) {
                int channel = c;
                boolean inProbe = Arrays.stream(probed).anyMatch(p -> p == channel);
                assertEquals(
                        inProbe ? ChannelState.REDUNDANT : ChannelState.IMPORTANT,
                        states[c],
                        "channel " + c);
            }
            assertEquals(
                    hesso.driver().channelIndex().allGroups(),
                    hesso.nodeGroups(),
                    "nodeGroups() are the driver's");
            assertEquals(hesso.nodeGroups(), hesso.discoveryReport().nodeGroups());
            // the zero-driven path alone cannot tell: it would remove the probe's channels
            try (CompactModel plain =
                    Compaction.compactZeroChannels(block, report, Scenario.INPUT)) {
                assertEquals(
                        List.of(first.name()), List.copyOf(plain.selection().removed().keySet()));
                assertArrayEquals(probed, plain.selection().removed(first.name()));
            }
            // K = floor(32 * 0.25) = 8; the cycles start at 17, the vote at 17 at the earliest
            // and 17 + 2 * 3 = 23 at the latest, then 6 hybrid steps
            String unfinished =
                    "HESSO has not finished pruning: the run is at step 7 CRIC_PROBE stage 0: group"
                            + " sparsity 0.000 (pruned 0, redundant 8, important 24 of 32; target"
                            + " 8), 0 of 0 pruned verified exactly zero; pruning completes between"
                            + " step 22 and step 28, and compacting now would remove only the 0"
                            + " channels pruned so far of the target 8.";
            String refused =
                    assertThrows(
                                    IllegalStateException.class,
                                    () ->
                                            Compaction.compactZeroChannels(
                                                    block, report, hesso, Scenario.INPUT))
                            .getMessage();
            assertTrue(refused.startsWith(unfinished), refused);
            IllegalStateException differ =
                    assertThrows(
                            IllegalStateException.class,
                            () ->
                                    Compaction.compactZeroChannels(
                                            block, report, hesso, ANYWAY, Scenario.INPUT));
            assertEquals(
                    "the channels that are zero in the block's arrays are not HESSO's pruned"
                            + " channels: zero in the arrays but not pruned by HESSO: node group '"
                            + first.name()
                            + "' channels "
                            + Arrays.toString(probed)
                            + " (zeroed by a CRIC probe, restored from its snapshot at the next"
                            + " step). Compaction.compact(block, report, hesso, inputShapes)"
                            + " removes exactly the pruned channels",
                    differ.getMessage());
            // allowed, the unfinished run is compacted anyway, so the check of the sets is reached
            List<String> warned = log.take();
            assertEquals(1, warned.size(), warned.toString());
            assertTrue(warned.get(0).startsWith(ANYWAY_WARNING), warned.get(0));
        }
    }

    /** The parameters of the MLP {@code 6 -> 16 -> 16 -> 3} without the removed channels. */
    private static long mlpParameters(Map<String, int[]> removed, HessoOptimizer hesso) {
        List<NodeGroup> groups = hesso.driver().channelIndex().prunableGroups();
        long a = 16 - removed.getOrDefault(groups.get(0).name(), new int[0]).length;
        long b = 16 - removed.getOrDefault(groups.get(1).name(), new int[0]).length;
        // 6 -> a weights and biases, a -> b, b -> 3
        return 6 * a + a + a * b + b + 3 * b + 3;
    }

    private static Map<String, int[]> nonEmpty(Map<String, int[]> channels) {
        Map<String, int[]> out = new LinkedHashMap<>();
        channels.forEach(
                (group, c) -> {
                    if (c.length > 0) {
                        out.put(group, c);
                    }
                });
        return out;
    }

    private static void assertSameChannels(Map<String, int[]> expected, ChannelSelection actual) {
        assertEquals(expected.keySet(), actual.removed().keySet());
        expected.forEach((group, c) -> assertArrayEquals(c, actual.removed(group), group));
    }

    private static int firstNotIn(int[] sorted, int channels) {
        for (int c = 0; c < channels; c++) {
            if (Arrays.binarySearch(sorted, c) < 0) {
                return c;
            }
        }
        throw new AssertionError("every channel is in " + Arrays.toString(sorted));
    }

    /** Sets every member row of a channel to a value, through aliases that need no gradient. */
    private static void setRows(Block block, NodeGroup group, int channel, float value) {
        for (GroupMember member : group.members()) {
            assertEquals(0, member.axis().index(), "rows only: " + member);
            NDArray array = block.getParameters().get(member.tensor()).getArray();
            try (NDArray alias = array.stopGradient()) {
                alias.set(new NDIndex(channel), value);
            }
        }
    }
}
