package ai.hesso.examples.bench.accuracy;

import java.util.List;
import java.util.Locale;

/**
 * Formats the results as a Markdown table, one line per model, method and target, averaged over the
 * seeds: what the command prints and what {@code docs/benchmarks/accuracy.md} shows.
 */
public final class ResultsTable {

    private ResultsTable() {}

    /**
     * Formats the table.
     *
     * @param rows the rows of the run
     * @return the table, one line per summary, ending in a newline
     */
    public static String format(List<ResultRow> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(
                "| model | method | target | seeds | test accuracy (mean ± sd) | min..max |"
                        + " params | MACs | MACs vs dense | train s | step-time ratio |"
                        + " max diff |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Summary s : Summary.of(rows)) {
            ResultRow first = s.rows().get(0);
            double ratio = s.meanStepTimeRatio();
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %.2f | %d | %.4f ± %.4f | %.4f..%.4f | %,.0f | %,.0f |"
                                    + " %.1f%% | %.0f | %s | %.1e |%n",
                            s.model(),
                            s.method(),
                            s.targetSparsity(),
                            s.rows().size(),
                            s.meanAccuracy(),
                            s.sdAccuracy(),
                            s.minAccuracy(),
                            s.maxAccuracy(),
                            s.meanParams(),
                            s.meanFlops(),
                            100.0 * s.meanFlops() / first.denseFlops(),
                            s.meanSeconds(),
                            Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2f", ratio),
                            s.maxDiff()));
        }
        return sb.toString();
    }
}
