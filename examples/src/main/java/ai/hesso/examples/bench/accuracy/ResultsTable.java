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

    /**
     * Formats the frontier's table: one line per model, MAC budget and method, averaged over the
     * seeds, with the per-group fraction the budget search found, the measured compact MACs, and
     * whether every seed's compact model is within the budget.
     *
     * @param rows the rows of a {@code bench frontier} run
     * @return the table, one line per summary, ending in a newline
     */
    public static String formatFrontier(List<ResultRow> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(
                "| model | MAC budget | method | per-group fraction | seeds | test accuracy (mean"
                        + " ± sd) | min..max | params | MACs | MACs vs dense | within budget |"
                        + " train s | rule |\n");
        sb.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|\n");
        for (Summary s : Summary.of(rows)) {
            ResultRow first = s.rows().get(0);
            Double budget = first.macBudget();
            boolean perGroup = Method.of(s.method()).perGroup();
            String within = "-";
            if (budget != null) {
                long limit = (long) Math.floor(budget * first.denseFlops());
                within = s.rows().stream().allMatch(r -> r.flops() <= limit) ? "yes" : "no";
            }
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %s | %s | %d | %.4f ± %.4f | %.4f..%.4f | %,.0f | %,.0f |"
                                    + " %.1f%% | %s | %.0f | %s |%n",
                            s.model(),
                            budget == null
                                    ? "-"
                                    : String.format(Locale.ROOT, "%.1f%%", 100 * budget),
                            s.method(),
                            perGroup ? String.format(Locale.ROOT, "%.3f", s.targetSparsity()) : "-",
                            s.rows().size(),
                            s.meanAccuracy(),
                            s.sdAccuracy(),
                            s.minAccuracy(),
                            s.maxAccuracy(),
                            s.meanParams(),
                            s.meanFlops(),
                            100.0 * s.meanFlops() / first.denseFlops(),
                            within,
                            s.meanSeconds(),
                            first.rule()));
        }
        return sb.toString();
    }
}
