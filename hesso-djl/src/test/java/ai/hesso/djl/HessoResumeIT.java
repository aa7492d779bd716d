package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.hesso.core.HessoMetrics;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.Phase;
import ai.hesso.core.PruningEnd;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.variant.VariantSettings;
import ai.hesso.djl.checkpoint.HessoCheckpoint;
import ai.hesso.djl.checkpoint.HessoCheckpoints;
import ai.hesso.djl.compact.CompactModel;
import ai.hesso.fixtures.TinyModels;
import ai.hesso.testing.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A run stopped after any step and continued from its checkpoint by new model, trainer and
 * optimizer objects ends with the same parameters, bit for bit, the same pruned set and the same
 * HESSO state as the uninterrupted run.
 */
class HessoResumeIT {

    @TempDir Path dir;

    /** An interrupted fit says it ended before pruning did; a broken checkpoint is passed over. */
    @RegisterExtension
    final LogCapture log =
            LogCapture.warningsOf(HessoTrainingListener.class, HessoCheckpoints.class);

    /** Checks what {@code ResumeFit.fit(dir, 2, 4)}, stopped after 20 of 40 steps, warned. */
    private void assertStoppedBeforePruningEnded() {
        List<String> warned = log.take();
        assertEquals(1, warned.size(), warned.toString());
        assertTrue(
                warned.get(0).startsWith("training ended before HESSO finished pruning: step 20 "),
                warned.get(0));
    }

    static Stream<Arguments> stops() {
        return Stream.of(
                // periods start at 7, 11, 15 and end at 9, 13, 17
                Arguments.of("inside a period", Scenario.periodic(), 8, 30),
                Arguments.of("at a period's end", Scenario.periodic(), 9, 30),
                Arguments.of("between two periods", Scenario.periodic(), 10, 30),
                // CRIC: probes 5..16 (7 zeroes a group, 8 records and restores), cycles 17..22
                Arguments.of("inside CRIC's probe phase", Scenario.cric(), 7, 34),
                Arguments.of("inside a CRIC cycle", Scenario.cric(), 18, 34),
                Arguments.of("inside CRIC's hybrid phase", Scenario.cric(), 25, 34));
    }

    static Stream<Arguments> cases() {
        return stops().flatMap(
                        stop ->
                                Stream.of(Scenario.sgd(), Scenario.adam())
                                        .map(
                                                variant -> {
                                                    Object[] a = stop.get();
                                                    return Arguments.of(
                                                            a[0], a[1], a[2], a[3], variant);
                                                }));
    }

    @ParameterizedTest(name = "{4} stopped {0} (after step {2})")
    @MethodSource("cases")
    void resumedRunEndsBitForBitLikeTheUninterruptedOne(
            String where, HessoSettings pruning, int stop, int total, VariantSettings variant)
            throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDList> batches = Scenario.batches(manager);
            Uninterrupted reference =
                    UNINTERRUPTED.computeIfAbsent(
                            pruning + " " + variant,
                            key -> uninterrupted(pruning, variant, total, batches));
            Map<String, byte[]> whole = reference.parameters();
            HessoCheckpoint wholeState = reference.state();
            Map<String, int[]> wholePruned = reference.pruned();
            Path file = dir.resolve("run.hesso");
            try (TrainingHarness first = Scenario.harness(pruning, variant, 7, b -> b)) {
                for (int k = 1; k <= stop; k++) {
                    first.step(Scenario.batch(batches, k));
                }
                first.model.save(dir, Scenario.NAME);
                ((HessoOptimizer) first.optimizer).checkpoint().write(file);
            }
            // another seed: every value must come from the files
            try (TrainingHarness second = Scenario.harness(pruning, variant, 99, b -> b)) {
                Scenario.loadInPlace(second.model.getBlock(), dir);
                HessoOptimizer hesso = (HessoOptimizer) second.optimizer;
                hesso.resume(HessoCheckpoint.read(file));
                // read before the next step: the driver restored for it is the one that goes on
                assertEquals(stop, hesso.metrics().step());
                for (int k = stop + 1; k <= total; k++) {
                    second.step(Scenario.batch(batches, k));
                }
                Map<String, byte[]> resumed = Scenario.parameterBytes(second.model.getBlock());
                assertEquals(whole.keySet(), resumed.keySet());
                for (String name : whole.keySet()) {
                    assertArrayEquals(whole.get(name), resumed.get(name), name);
                }
                Map<String, int[]> pruned = hesso.driver().prunedChannels();
                assertEquals(wholePruned.keySet(), pruned.keySet());
                for (String group : wholePruned.keySet()) {
                    assertArrayEquals(wholePruned.get(group), pruned.get(group), group);
                }
                HessoCheckpoint resumedState = hesso.checkpoint();
                assertEquals(wholeState.driver(), resumedState.driver());
                assertEquals(
                        wholeState.engine().directions().size(),
                        resumedState.engine().directions().size());
                for (int i = 0; i < wholeState.engine().directions().size(); i++) {
                    var a = wholeState.engine().directions().get(i);
                    var b = resumedState.engine().directions().get(i);
                    assertEquals(a.slot(), b.slot());
                    assertEquals(a.updates(), b.updates(), a.slot().parameter());
                    assertArrayEquals(a.first().encoded(), b.first().encoded());
                }
            }
        }
    }

    static Stream<Arguments> finishedRuns() {
        return Stream.of(
                // periods end with step 17: K = floor(32 * 0.5) = 16
                Arguments.of("periods", Scenario.periodic(), 30, 16),
                // the hybrid phase ends with step 28: K = floor(32 * 0.25) = 8
                Arguments.of("CRIC", Scenario.cric(), 34, 8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("finishedRuns")
    void aFinishedRunReadsTheSameRightAfterResume(
            String name, HessoSettings pruning, int total, int target) throws Exception {
        Path file = dir.resolve("finished.hesso");
        HessoMetrics metrics;
        Map<String, int[]> pruned;
        PruningEnd end;
        try (NDManager manager = NDManager.newBaseManager();
                TrainingHarness first = Scenario.harness(pruning, Scenario.sgd(), 7, b -> b)) {
            List<NDList> batches = Scenario.batches(manager);
            for (int k = 1; k <= total; k++) {
                first.step(Scenario.batch(batches, k));
            }
            HessoOptimizer hesso = (HessoOptimizer) first.optimizer;
            assertTrue(hesso.pruningComplete());
            metrics = hesso.metrics();
            pruned = hesso.driver().prunedChannels();
            end = hesso.driver().pruningEnd();
            first.model.save(dir, Scenario.NAME);
            hesso.checkpoint().write(file);
        }
        assertEquals(total, metrics.step());
        assertEquals(Phase.PRUNED, metrics.phase());
        assertEquals(target, metrics.pruned());
        assertEquals(target, metrics.verifiedZero());
        try (TrainingHarness second = Scenario.harness(pruning, Scenario.sgd(), 99, b -> b)) {
            HessoOptimizer hesso = (HessoOptimizer) second.optimizer;
            assertEquals(0, hesso.metrics().step(), "a new optimizer");
            assertFalse(hesso.pruningComplete(), "a new optimizer");
            Block block = second.model.getBlock();
            Scenario.loadInPlace(block, dir);
            hesso.resume(HessoCheckpoint.read(file));
            // no step since: everything read comes from the checkpoint and the loaded arrays
            assertEquals(metrics, hesso.metrics());
            assertEquals(pruned.keySet(), hesso.driver().prunedChannels().keySet());
            for (String group : pruned.keySet()) {
                assertArrayEquals(pruned.get(group), hesso.driver().prunedChannels().get(group));
            }
            assertTrue(hesso.pruningComplete());
            assertEquals(end, hesso.driver().pruningEnd());
            assertEquals(pruned.keySet(), hesso.prunedChannels().keySet());
            // so a resumed, finished run compacts with its optimizer, no discovery of the user's
            try (CompactModel compact = hesso.compact()) {
                assertEquals(target, compact.selection().count());
                for (String group : pruned.keySet()) {
                    assertArrayEquals(pruned.get(group), compact.selection().removed(group));
                }
            }
        }
    }

    @Test
    void hessoCheckpointsResumeOfAFinishedRunReadsItsCheckpointBeforeAnyStep() throws Exception {
        // 4 epochs of 10 steps: CRIC prunes 8 of 32 channels with step 28
        ResumeFit.fit(dir, 4, 4);
        try (Model model = Model.newInstance("mlp")) {
            model.setBlock(TinyModels.mlp(6, 16, 3));
            HessoOptimizer hesso = ResumeFit.optimizer(model, 4);
            assertEquals(4, HessoCheckpoints.resume(model, hesso, dir));
            HessoMetrics metrics = hesso.metrics();
            assertEquals(40, metrics.step());
            assertEquals(Phase.PRUNED, metrics.phase());
            assertEquals(32, metrics.prunableChannels());
            assertEquals(8, metrics.targetChannels());
            assertEquals(8, metrics.pruned());
            // checked against the parameters the resume loaded
            assertEquals(8, metrics.verifiedZero());
            assertEquals(0, metrics.skippedSteps());
            assertTrue(hesso.pruningComplete());
            int count = 0;
            for (NodeGroup group : hesso.driver().channelIndex().prunableGroups()) {
                int[] channels = hesso.driver().prunedChannels().get(group.name());
                count += channels.length;
                assertEquals(
                        channels.length,
                        TrainingHarness.zeroChannels(model.getBlock(), group),
                        group.name());
            }
            assertEquals(8, count);
            // the optimizer compacts the model it resumed, before any step
            try (CompactModel compact = hesso.compact()) {
                assertEquals(8, compact.selection().count());
                for (String group : hesso.prunedChannels().keySet()) {
                    assertArrayEquals(
                            hesso.prunedChannels().get(group),
                            compact.selection().removed(group),
                            group);
                }
            }
        }
    }

    @Test
    void resumeFallsBackToThePreviousWholeCheckpoint() throws Exception {
        ResumeFit.fit(dir, 2, 4);
        assertStoppedBeforePruningEnded();
        Path latest = dir.resolve("mlp-0002.hesso");
        byte[] whole = Files.readAllBytes(latest);
        Files.write(latest, Arrays.copyOf(whole, whole.length - 7));
        String truncated =
                "HESSO: cannot resume from epoch 2: checkpoint "
                        + latest
                        + " cannot be read: its SHA-256 checksum does not match";
        try (Model model = Model.newInstance("mlp")) {
            model.setBlock(TinyModels.mlp(6, 16, 3));
            HessoOptimizer hesso = ResumeFit.optimizer(model, 4);
            assertEquals(1, HessoCheckpoints.resume(model, hesso, dir));
            assertEquals(1, hesso.resumedEpoch());
            assertEquals(10, hesso.checkpoint().step());
        }
        List<String> passedOver = log.take();
        assertEquals(1, passedOver.size(), passedOver.toString());
        assertTrue(passedOver.get(0).startsWith(truncated), passedOver.get(0));
        // the model file of epoch 1 replaced by epoch 2's: it no longer belongs to its checkpoint
        Files.copy(
                dir.resolve("mlp-0002.params"),
                dir.resolve("mlp-0001.params"),
                StandardCopyOption.REPLACE_EXISTING);
        try (Model model = Model.newInstance("mlp")) {
            model.setBlock(TinyModels.mlp(6, 16, 3));
            IOException e =
                    assertThrows(
                            IOException.class,
                            () ->
                                    HessoCheckpoints.resume(
                                            model, ResumeFit.optimizer(model, 4), dir));
            assertTrue(
                    e.getMessage().startsWith("no whole checkpoint of mlp in " + dir),
                    e.getMessage());
            assertTrue(
                    e.getMessage().contains("checkpoint " + latest + " cannot be read"),
                    e.getMessage());
            assertTrue(
                    e.getMessage()
                            .contains(
                                    "model file "
                                            + dir.resolve("mlp-0001.params")
                                            + " is not the one saved with checkpoint "
                                            + dir.resolve("mlp-0001.hesso")),
                    e.getMessage());
        }
        passedOver = log.take();
        assertEquals(2, passedOver.size(), passedOver.toString());
        assertTrue(passedOver.get(0).startsWith(truncated), passedOver.get(0));
        assertTrue(
                passedOver
                        .get(1)
                        .startsWith(
                                "HESSO: cannot resume from epoch 1: model file "
                                        + dir.resolve("mlp-0001.params")
                                        + " is not the one saved with checkpoint "
                                        + dir.resolve("mlp-0001.hesso")),
                passedOver.get(1));
    }

    /** The end of a run that was never stopped. */
    private record Uninterrupted(
            Map<String, byte[]> parameters, HessoCheckpoint state, Map<String, int[]> pruned) {}

    /** One uninterrupted run per settings and variant, shared by the stop points. */
    private static final Map<String, Uninterrupted> UNINTERRUPTED = new HashMap<>();

    private static Uninterrupted uninterrupted(
            HessoSettings pruning, VariantSettings variant, int total, List<NDList> batches) {
        try (TrainingHarness run = Scenario.harness(pruning, variant, 7, b -> b)) {
            for (int k = 1; k <= total; k++) {
                run.step(Scenario.batch(batches, k));
            }
            HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
            assertEquals(Phase.PRUNED, hesso.metrics().phase());
            return new Uninterrupted(
                    Scenario.parameterBytes(run.model.getBlock()),
                    hesso.checkpoint(),
                    hesso.driver().prunedChannels());
        }
    }

    @Test
    void aRunResumedInANewProcessEndsBitForBitLikeTheUninterruptedOne() throws Exception {
        Map<String, byte[]> whole = ResumeFit.fit(dir.resolve("whole"), 4, 4);
        Path interrupted = dir.resolve("parts");
        // stopped after epoch 2 of 4 (step 20 of 40), resumed by another JVM
        ResumeFit.fit(interrupted, 2, 4);
        assertStoppedBeforePruningEnded();
        Path out = dir.resolve("resumed.bin");
        ChildJvm.run(
                ResumeFit.class,
                dir.resolve("child.log"),
                interrupted.toString(),
                "4",
                "4",
                out.toString());
        Map<String, byte[]> resumed = ResumeFit.read(out);
        assertEquals(whole.keySet(), resumed.keySet());
        for (String name : whole.keySet()) {
            assertArrayEquals(whole.get(name), resumed.get(name), name);
        }
        assertTrue(Files.exists(interrupted.resolve("mlp-0004.hesso")));
    }

    @Test
    void easyTrainResumesInOneCallWithTheCheckpointListener() throws Exception {
        Path uninterrupted = dir.resolve("whole");
        Path interrupted = dir.resolve("parts");
        Map<String, byte[]> whole = ResumeFit.fit(uninterrupted, 4, 4);
        ResumeFit.fit(interrupted, 2, 4);
        assertStoppedBeforePruningEnded();
        List<String> files;
        try (Stream<Path> list = Files.list(interrupted)) {
            files = list.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(
                List.of("mlp-0001.hesso", "mlp-0001.params", "mlp-0002.hesso", "mlp-0002.params"),
                files);
        Map<String, byte[]> resumed = ResumeFit.fit(interrupted, 4, 4);
        for (String name : whole.keySet()) {
            assertArrayEquals(whole.get(name), resumed.get(name), name);
        }
        assertTrue(Files.exists(interrupted.resolve("mlp-0004.hesso")));
        assertFalse(Files.exists(interrupted.resolve("mlp-0005.hesso")));
    }
}
