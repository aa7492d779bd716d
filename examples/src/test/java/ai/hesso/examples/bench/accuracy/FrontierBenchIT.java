package ai.hesso.examples.bench.accuracy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.training.dataset.Dataset;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.examples.data.FashionMnist;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hesso bench frontier} on a small slice of real Fashion-MNIST (400 training images, batch
 * 8, one epoch: 50 steps per method; 100 test images), the demo's CNN, every method at 20% of the
 * dense MACs: every pruned row is within the budget as measured on its compact model, the per-group
 * methods share one architecture, the removal counted in the arrays is the method's, and the JSON
 * carries the budget and the rule. Skipped when the data is absent.
 */
class FrontierBenchIT {

    private static final Path DIR = Path.of(FashionMnist.DEFAULT_DIRECTORY);

    @Test
    void everyMethodMeetsTheBudgetOnItsCompactModel(@TempDir Path out) throws Exception {
        assumeTrue(
                Files.exists(FashionMnist.imagesFile(DIR, Dataset.Usage.TRAIN))
                        && Files.exists(FashionMnist.imagesFile(DIR, Dataset.Usage.TEST)),
                "dataset-fashion-mnist is not installed");
        FrontierSettings settings =
                new FrontierSettings(
                        DIR,
                        out,
                        List.of(BenchModels.FASHION_CNN),
                        FrontierSettings.METHODS,
                        List.of(3),
                        1,
                        8,
                        400,
                        100,
                        0.05f,
                        List.of(0.2),
                        5);
        long[] steps = new long[1];
        Map<String, Integer> removedBy = new HashMap<>();
        // hesso-macs-banded: each prunable group's removed count and width, to check the band
        Map<String, int[]> bandedLoss = new HashMap<>();
        AccuracyBench.Outcome outcome =
                new FrontierBench(settings)
                        .optProgress(n -> steps[0] += n, label -> {})
                        .optInspector(
                                (trial, trained, report, removed, compact) -> {
                                    removedBy.put(
                                            trial.method().label(),
                                            removed.values().stream()
                                                    .mapToInt(r -> r.length)
                                                    .sum());
                                    if (trial.method() == Method.HESSO_MACS_BANDED) {
                                        bandedLoss.putAll(lossPerGroup(report, removed));
                                    }
                                })
                        .run();
        assertEquals(9, outcome.rows().size());
        assertEquals(9L * 50, steps[0]);

        long dense = outcome.rows().get(0).denseFlops();
        long limit = (long) Math.floor(0.2 * dense);
        Set<Long> perGroupMacs = new HashSet<>();
        Set<Integer> perGroupCounts = new HashSet<>();
        for (ResultRow r : outcome.rows()) {
            Method m = Method.of(r.method());
            assertEquals(m.rule(), r.rule());
            assertTrue(r.maxAbsDiffCompactVsZeroed() < 1e-4, r.method());
            if (m == Method.DENSE) {
                assertEquals(dense, r.flops());
                assertEquals(null, r.macBudget());
                continue;
            }
            assertEquals(0.2, r.macBudget());
            assertTrue(r.flops() <= limit, r.method() + ": " + r.flops() + " > " + limit);
            if (m.perGroup()) {
                perGroupMacs.add(r.flops());
                perGroupCounts.add(r.targetChannels());
                // the count the search found, removed exactly, its fraction of N reported
                assertEquals(r.targetChannels(), r.removedChannels(), r.method());
                assertEquals(
                        (double) r.targetChannels() / r.prunableChannels(),
                        r.targetSparsity(),
                        1e-12);
            }
            if (m != Method.SCRATCH_PER_GROUP) {
                // trained at full width: the zero channels in the arrays are the removal
                assertEquals(removedBy.get(r.method()), r.removedChannels(), r.method());
            }
        }
        // the band around the per-group fraction f: every group loses between floor(n f / 2)
        // and floor(n (1 + f) / 2) of its n channels
        double f =
                outcome.rows().stream()
                        .filter(r -> r.method().equals(Method.HESSO_PER_GROUP.label()))
                        .findFirst()
                        .orElseThrow()
                        .targetSparsity();
        assertFalse(bandedLoss.isEmpty());
        for (Map.Entry<String, int[]> e : bandedLoss.entrySet()) {
            int lost = e.getValue()[0];
            int n = e.getValue()[1];
            assertTrue(
                    lost >= (int) Math.floor(f / 2 * n)
                            && lost <= (int) Math.floor((1 + f) / 2 * n),
                    e.getKey() + " lost " + lost + " of " + n + ", band around " + f);
        }
        // one per-layer architecture for all five per-group methods
        assertEquals(1, perGroupMacs.size(), perGroupMacs.toString());
        assertEquals(1, perGroupCounts.size(), perGroupCounts.toString());

        JsonArray rows =
                JsonParser.parseString(Files.readString(outcome.results())).getAsJsonArray();
        assertEquals(9, rows.size());
        for (JsonElement e : rows) {
            JsonObject r = e.getAsJsonObject();
            assertTrue(r.has("rule"));
            assertEquals(!r.get("method").getAsString().equals("dense"), r.has("macBudget"));
        }
        assertEquals(1, outcome.plots().size());
        Path plot = outcome.plots().get(0);
        assertEquals("frontier-fashion-cnn.png", plot.getFileName().toString());
        byte[] head = new byte[4];
        System.arraycopy(Files.readAllBytes(plot), 0, head, 0, 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head);
        assertFalse(ResultsTable.formatFrontier(outcome.rows()).isBlank());
    }

    /** Each prunable group's removed channel count and width. */
    private static Map<String, int[]> lossPerGroup(
            DiscoveryReport report, Map<String, int[]> removed) {
        Map<String, int[]> loss = new HashMap<>();
        for (DiscoveredGroup g : report.prunableGroups()) {
            loss.put(
                    g.name(),
                    new int[] {
                        removed.getOrDefault(g.name(), new int[0]).length, g.group().channels()
                    });
        }
        return loss;
    }
}
