package ai.hesso.examples.zoo;

import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the sweep's results, one row per model per stage, and decides the exit status: 1 if any
 * stage failed, 0 otherwise (a refusal with its reason is not a failure).
 */
public final class ZooTable {

    private static final String ROW = "%-13s %-9s %-8s %s%n";

    private ZooTable() {}

    /**
     * Prints the header line.
     *
     * @param out where to print
     */
    public static void printHeader(PrintWriter out) {
        out.printf(ROW, "model", "stage", "result", "detail");
        out.flush();
    }

    /**
     * Prints one model's rows, the model's wall time on its last row's detail.
     *
     * @param out where to print
     * @param result the model's results
     */
    public static void printModel(PrintWriter out, ModelResult result) {
        for (StageResult stage : result.stages()) {
            out.printf(
                    ROW,
                    result.model(),
                    stage.stage().label(),
                    stage.outcome().label(),
                    stage.detail());
        }
        out.printf(
                Locale.ROOT,
                ROW,
                result.model(),
                "time",
                "",
                String.format(Locale.ROOT, "%.1f s", result.seconds()));
        out.flush();
    }

    /**
     * Prints the summary: per outcome, the number of models whose worst stage it is, and the number
     * of stages.
     *
     * @param out where to print
     * @param results every model's results
     * @param seconds the sweep's wall time
     */
    public static void printSummary(PrintWriter out, List<ModelResult> results, double seconds) {
        Map<Outcome, Integer> stages = new EnumMap<>(Outcome.class);
        long fullPasses = 0;
        for (ModelResult r : results) {
            for (StageResult s : r.stages()) {
                stages.merge(s.outcome(), 1, Integer::sum);
            }
            if (r.stages().stream().allMatch(s -> s.outcome() == Outcome.PASS)) {
                fullPasses++;
            }
        }
        long failed = results.stream().filter(ModelResult::failed).count();
        out.printf(
                Locale.ROOT,
                "%d models in %.0f s: %d passed every stage, %d failed; stages: %d pass, %d"
                        + " refused, %d skipped, %d FAILED%n",
                results.size(),
                seconds,
                fullPasses,
                failed,
                stages.getOrDefault(Outcome.PASS, 0),
                stages.getOrDefault(Outcome.REFUSED, 0),
                stages.getOrDefault(Outcome.SKIPPED, 0),
                stages.getOrDefault(Outcome.FAILED, 0));
        out.flush();
    }

    /**
     * Returns the exit status for the results.
     *
     * @param results every model's results
     * @return 1 if some stage of some model failed, else 0
     */
    public static int exitCode(List<ModelResult> results) {
        return results.stream().anyMatch(ModelResult::failed) ? 1 : 0;
    }
}
