package ai.hesso.examples.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The promises a demo run checks about itself: finite accuracies, the arrays' zero channels being
 * exactly HESSO's pruned channels, the compact model computing the zeroed model's function, and the
 * reloaded compact model computing the compact one's. {@code hesso demo} exits non-zero when any
 * fails, so a script (and CI, which runs the README's demo command) sees a broken run.
 */
public final class DemoChecks {

    /**
     * The largest output (logit) difference accepted between the compact and the zeroed model, and
     * between the reloaded and the compact model. Removing exactly-zero channels changes only the
     * order of float32 additions: measured differences are below 1e-5.
     */
    public static final double MAX_OUTPUT_DIFFERENCE = 1e-4;

    private DemoChecks() {}

    /**
     * Returns every check the run fails, one sentence each.
     *
     * @param result the run's measurements
     * @return the failures, empty when the run kept every promise
     */
    public static List<String> failures(DemoResult result) {
        List<String> failures = new ArrayList<>();
        finite(failures, "HESSO's test accuracy", result.hesso().testAccuracy());
        result.dense()
                .ifPresent(d -> finite(failures, "dense SGD's test accuracy", d.testAccuracy()));
        if (result.zeroChannels() != result.metrics().pruned()) {
            failures.add(
                    String.format(
                            Locale.ROOT,
                            "%d channels are exactly zero in the arrays but HESSO reports %d"
                                    + " pruned",
                            result.zeroChannels(),
                            result.metrics().pruned()));
        }
        CompactionSummary c = result.compaction();
        if (!c.removedAreExactlyZero()) {
            failures.add(
                    "the channels compaction removed are not exactly the channels that are zero in"
                            + " the arrays");
        }
        close(failures, "compact vs zeroed", c.compact().maxAbsDiff());
        close(failures, "reloaded vs compact", c.reloaded().maxAbsDiff());
        close(failures, "ONNX Runtime vs compact", c.onnx().maxAbsDiff());
        finite(failures, "ONNX Runtime's test accuracy", c.onnx().accuracy());
        finite(failures, "the compact model's test accuracy", c.compact().accuracy());
        finite(failures, "the reloaded model's test accuracy", c.reloaded().accuracy());
        return failures;
    }

    private static void finite(List<String> failures, String what, double value) {
        if (!Double.isFinite(value)) {
            failures.add(what + " is " + value);
        }
    }

    private static void close(List<String> failures, String what, double maxAbsDiff) {
        // written so that NaN fails too
        if (!(maxAbsDiff <= MAX_OUTPUT_DIFFERENCE)) {
            failures.add(
                    String.format(
                            Locale.ROOT,
                            "%s: outputs differ by up to %.3g (more than %.0e)",
                            what,
                            maxAbsDiff,
                            MAX_OUTPUT_DIFFERENCE));
        }
    }
}
