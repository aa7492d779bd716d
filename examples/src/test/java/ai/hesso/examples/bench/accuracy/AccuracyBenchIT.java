package ai.hesso.examples.bench.accuracy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Dataset;
import ai.hesso.core.group.GroupMember;
import ai.hesso.djl.compact.CompactModel;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.examples.data.FashionMnist;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hesso bench accuracy} with quick-like settings on a small slice of real Fashion-MNIST (400
 * training images, batch 8, one epoch: 50 steps per method; 100 test images), the demo's CNN, every
 * method at 0.7: the JSON schema, the exact sparsity of every pruned row counted in the arrays, and
 * compact outputs equal to zeroed outputs. Skipped when the data is absent.
 */
class AccuracyBenchIT {

    private static final Path DIR = Path.of(FashionMnist.DEFAULT_DIRECTORY);

    private static final Set<String> METHODS =
            Set.of(
                    "dense",
                    "hesso",
                    "hesso-cric",
                    "hesso-macs",
                    "hesso-per-group",
                    "oneshot-l2",
                    "iterative-l2",
                    "iterative-l2-per-group",
                    "random",
                    "scratch");

    /** What the inspector saw of one trained model. */
    private record Seen(
            Trial trial, int zeroInArrays, int removedCount, int compactChannels, double maxDiff) {}

    @Test
    void everyRowIsCompactedAtItsExactSparsityAndWrittenInTheSchema(@TempDir Path out)
            throws Exception {
        assumeData();
        AccuracySettings settings =
                new AccuracySettings(
                        DIR,
                        out,
                        List.of(BenchModels.FASHION_CNN),
                        AccuracySettings.accuracyMethods(),
                        List.of(3),
                        1,
                        8,
                        400,
                        100,
                        0.05f,
                        List.of(0.7),
                        List.of(0.7),
                        0.7,
                        5);
        assertEquals(50, settings.totalSteps());
        List<Seen> seen = new ArrayList<>();
        long[] steps = new long[1];
        AccuracyBench.Outcome outcome =
                new AccuracyBench(settings)
                        .optProgress(n -> steps[0] += n, label -> {})
                        .optInspector(
                                (trial, trained, report, removed, compact) ->
                                        seen.add(inspect(trial, trained, report, removed, compact)))
                        .run();
        assertEquals(10, outcome.rows().size());
        assertEquals(10L * 50, steps[0]);

        // every pruned model: the zero channels in the arrays are exactly the method's removal;
        // the baselines and periodic HESSO hit K = floor(N * 0.7) exactly; CRIC's vote may give
        // back a channel per group that it would otherwise empty (the specification's rule)
        Map<String, Integer> prunable = Map.of("fashion-cnn", 160);
        for (Seen s : seen) {
            int n = prunable.get(s.trial().model());
            int k = (int) Math.floor(n * 0.7);
            String label = s.trial().label();
            switch (s.trial().method()) {
                case DENSE -> assertEquals(0, s.zeroInArrays(), label);
                case SCRATCH -> {
                    // trained compact: no zero channels, and the architecture lacks HESSO's K
                    assertEquals(0, s.zeroInArrays(), label);
                    assertEquals(n - k, s.compactChannels(), label);
                }
                case HESSO_MACS -> {
                    // a MAC budget, not a channel count: the removal is what the arrays show
                    assertEquals(s.removedCount(), s.zeroInArrays(), label);
                    assertEquals(n - s.zeroInArrays(), s.compactChannels(), label);
                }
                case HESSO_CRIC -> {
                    assertEquals(s.removedCount(), s.zeroInArrays(), label);
                    assertTrue(s.zeroInArrays() <= k && s.zeroInArrays() >= k - 5, label);
                    assertEquals(n - s.zeroInArrays(), s.compactChannels(), label);
                }
                default -> {
                    assertEquals(k, s.removedCount(), label);
                    assertEquals(k, s.zeroInArrays(), label);
                    assertEquals(n - k, s.compactChannels(), label);
                }
            }
            // the compact model computes what the zeroed model computes
            assertTrue(s.maxDiff() < 1e-4, label + ": compact vs zeroed " + s.maxDiff());
        }

        JsonArray rows =
                JsonParser.parseString(Files.readString(outcome.results())).getAsJsonArray();
        assertEquals(10, rows.size());
        for (JsonElement e : rows) {
            JsonObject r = e.getAsJsonObject();
            String method = r.get("method").getAsString();
            assertTrue(METHODS.contains(method), method);
            assertTrue(prunable.containsKey(r.get("model").getAsString()));
            for (String key :
                    List.of(
                            "targetSparsity",
                            "seed",
                            "testAccuracy",
                            "params",
                            "flops",
                            "epochs",
                            "seconds",
                            "maxAbsDiffCompactVsZeroed")) {
                assertTrue(r.has(key) && r.get(key).getAsJsonPrimitive().isNumber(), key);
            }
            assertEquals(3, r.get("seed").getAsInt());
            assertEquals(1, r.get("epochs").getAsInt());
            assertEquals(method.equals("dense") ? 0.0 : 0.7, r.get("targetSparsity").getAsDouble());
            double accuracy = r.get("testAccuracy").getAsDouble();
            assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
            assertTrue(r.get("maxAbsDiffCompactVsZeroed").getAsDouble() < 1e-4);
            // the compact model is smaller than dense for every pruned row
            long flops = r.get("flops").getAsLong();
            long denseFlops = r.get("denseFlops").getAsLong();
            assertTrue(method.equals("dense") ? flops == denseFlops : flops < denseFlops, method);
            boolean hesso =
                    method.equals("hesso")
                            || method.equals("hesso-cric")
                            || method.equals("hesso-macs")
                            || method.equals("hesso-per-group");
            assertEquals(hesso, r.has("stepTimeRatio"), method);
            if (!method.equals("dense")
                    && !method.equals("hesso-cric")
                    && !method.equals("hesso-macs")) {
                assertEquals(
                        r.get("targetChannels").getAsInt(), r.get("removedChannels").getAsInt());
            }
        }
        // scratch trains exactly HESSO's architecture; the MAC budget costs at most what HESSO's
        // compact model costs
        Map<String, Long> hessoParams = new HashMap<>();
        Map<String, Long> hessoMacs = new HashMap<>();
        for (ResultRow r : outcome.rows()) {
            if (r.method().equals("hesso")) {
                hessoParams.put(r.model(), r.params());
                hessoMacs.put(r.model(), r.flops());
            }
        }
        for (ResultRow r : outcome.rows()) {
            if (r.method().equals("hesso-macs")) {
                assertTrue(r.flops() <= hessoMacs.get(r.model()), r.flops() + " MACs");
            }
        }
        for (ResultRow r : outcome.rows()) {
            if (r.method().equals("scratch")) {
                assertEquals(hessoParams.get(r.model()), r.params());
            }
        }
        assertEquals(1, outcome.plots().size());
        for (Path plot : outcome.plots()) {
            byte[] head = new byte[4];
            System.arraycopy(Files.readAllBytes(plot), 0, head, 0, 4);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head, plot.toString());
        }
        assertFalse(ResultsTable.format(outcome.rows()).isBlank());
    }

    /** Counts zero channels by reading every member row, and compares compact and zeroed. */
    private static Seen inspect(
            Trial trial,
            Block trained,
            DiscoveryReport report,
            Map<String, int[]> removed,
            CompactModel compact) {
        int zero = 0;
        for (DiscoveredGroup g : report.prunableGroups()) {
            int n = g.group().channels();
            boolean[] allZero = new boolean[n];
            Arrays.fill(allZero, true);
            for (GroupMember m : g.group().members()) {
                NDArray x = trained.getParameters().get(m.tensor()).getArray();
                float[] values;
                try (NDManager scratch = x.getManager().newSubManager()) {
                    x.tempAttach(scratch);
                    values = x.swapAxes(0, m.axis().index()).reshape(n, -1).toFloatArray();
                }
                int row = values.length / n;
                for (int c = 0; c < n; c++) {
                    for (int j = 0; j < row; j++) {
                        if (values[c * row + j] != 0f) {
                            allZero[c] = false;
                        }
                    }
                }
            }
            for (boolean b : allZero) {
                zero += b ? 1 : 0;
            }
        }
        int compactChannels = groupsOf(compact);
        double diff;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomUniform(0, 1, new Shape(4, 1, 28, 28));
            ParameterStore store = new ParameterStore(manager, false);
            NDArray a = trained.forward(store, new NDList(x), false).singletonOrThrow();
            NDArray b =
                    compact.model()
                            .getBlock()
                            .forward(store, new NDList(x), false)
                            .singletonOrThrow();
            diff = a.sub(b).abs().max().getFloat();
        }
        int count = removed.values().stream().mapToInt(r -> r.length).sum();
        return new Seen(trial, zero, count, compactChannels, diff);
    }

    /** The channels of the compact model's prunable groups. */
    private static int groupsOf(CompactModel compact) {
        Block block = compact.model().getBlock();
        return GroupDiscovery.builder()
                .build()
                .discover(block, BenchModels.inputShape())
                .prunableGroups()
                .stream()
                .mapToInt(g -> g.group().channels())
                .sum();
    }

    @Test
    void theQuickPresetLetsCricFinishOnResnet8(@TempDir Path out) throws Exception {
        assumeData();
        // CRIC probes every group before its cycles: on resnet8 it needs more steps than HESSO's
        // periods (52 against 50); a --quick budget too short for it stops the whole run
        AccuracySettings quick = AccuracySettings.quick(DIR, out);
        AccuracySettings cricOnly =
                new AccuracySettings(
                        DIR,
                        out,
                        List.of(BenchModels.RESNET8),
                        List.of(Method.HESSO_CRIC),
                        quick.seeds(),
                        quick.epochs(),
                        quick.batchSize(),
                        quick.trainLimit(),
                        quick.testLimit(),
                        quick.learningRate(),
                        quick.sparsities(),
                        quick.baselineSparsities(),
                        quick.cricSparsity(),
                        quick.iterations());
        AccuracyBench.Outcome outcome = new AccuracyBench(cricOnly).run();
        assertEquals(1, outcome.rows().size());
        assertTrue(outcome.rows().get(0).removedChannels() > 0);
    }

    private static void assumeData() {
        assumeTrue(
                Files.exists(FashionMnist.imagesFile(DIR, Dataset.Usage.TRAIN))
                        && Files.exists(FashionMnist.imagesFile(DIR, Dataset.Usage.TEST)),
                "dataset-fashion-mnist is not installed");
    }
}
