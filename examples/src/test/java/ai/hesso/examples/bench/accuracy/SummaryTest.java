package ai.hesso.examples.bench.accuracy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Seed statistics, step-time ratios and the table, on hand-made rows. */
class SummaryTest {

    private static ResultRow row(String method, double sparsity, int seed, double acc, double s) {
        return new ResultRow(
                "fashion-cnn",
                method,
                sparsity,
                seed,
                acc,
                1000,
                2_000_000,
                2,
                s,
                1e-6,
                null,
                80,
                5000,
                2000,
                160,
                112,
                112,
                4000,
                4_000_000,
                null,
                "rule");
    }

    @Test
    void meanAndSampleStandardDeviationOverSeeds() {
        List<ResultRow> rows =
                List.of(
                        row("dense", 0, 1, 0.90, 10),
                        row("hesso", 0.7, 1, 0.80, 12),
                        row("dense", 0, 2, 0.92, 10),
                        row("hesso", 0.7, 2, 0.84, 14),
                        row("dense", 0, 3, 0.94, 10));
        List<Summary> s = Summary.of(rows);
        assertEquals(2, s.size());
        assertEquals("dense", s.get(0).method());
        assertEquals(0.92, s.get(0).meanAccuracy(), 1e-12);
        // deviations -0.02, 0, 0.02: sqrt(0.0008 / 2) = 0.02
        assertEquals(0.02, s.get(0).sdAccuracy(), 1e-12);
        assertEquals(0.82, s.get(1).meanAccuracy(), 1e-12);
        // deviations -0.02, 0.02: sqrt(0.0008 / 1)
        assertEquals(Math.sqrt(0.0008), s.get(1).sdAccuracy(), 1e-12);
        assertEquals(0.80, s.get(1).minAccuracy(), 1e-12);
        assertEquals(0.84, s.get(1).maxAccuracy(), 1e-12);

        List<ResultRow> ratios = AccuracyBench.withStepTimeRatios(rows);
        assertNull(ratios.get(0).stepTimeRatio());
        assertEquals(1.2, ratios.get(1).stepTimeRatio(), 1e-12);
        assertEquals(1.4, ratios.get(3).stepTimeRatio(), 1e-12);

        String table = ResultsTable.format(ratios);
        assertTrue(table.contains("| fashion-cnn | dense | 0.00 | 3 | 0.9200 ± 0.0200 |"), table);
        assertTrue(table.contains("| 50.0% | 13 | 1.30 |"), table);
    }
}
