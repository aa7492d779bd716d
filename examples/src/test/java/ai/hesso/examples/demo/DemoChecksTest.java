package ai.hesso.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.core.HessoMetrics;
import ai.hesso.core.Phase;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The demo's own checks: each broken promise is named, a sound run has none. */
class DemoChecksTest {

    /** Two groups of 4 channels, 3 of them zero in the arrays. */
    private static final List<ChannelCensus.GroupCensus> GROUPS =
            List.of(
                    new ChannelCensus.GroupCensus("a", 4, new boolean[] {true, false, false, true}),
                    new ChannelCensus.GroupCensus(
                            "b", 4, new boolean[] {false, false, true, false}));

    private static DemoResult result(
            double accuracy,
            int pruned,
            boolean removedZero,
            double compactDiff,
            double reloadDiff) {
        return result(accuracy, pruned, removedZero, compactDiff, reloadDiff, 2e-7);
    }

    private static DemoResult result(
            double accuracy,
            int pruned,
            boolean removedZero,
            double compactDiff,
            double reloadDiff,
            double onnxDiff) {
        int[] predictions = {1, 2, 3, 4};
        Evaluation zeroed = new Evaluation(predictions, 3, 0);
        Evaluation compact = new Evaluation(predictions, 3, compactDiff);
        Evaluation reloaded = new Evaluation(predictions, 3, reloadDiff);
        Evaluation onnx = new Evaluation(predictions, 3, onnxDiff);
        CompactionSummary compaction =
                new CompactionSummary(
                        null,
                        removedZero,
                        null,
                        zeroed,
                        compact,
                        reloaded,
                        null,
                        null,
                        null,
                        onnx,
                        null);
        HessoMetrics metrics =
                new HessoMetrics(
                        100, Phase.PRUNED, 5, 8, 3, 8 - pruned, 0, pruned, 1, 0, 0, pruned);
        return new DemoResult(
                null,
                null,
                new DemoResult.Training(accuracy, 0.9, 1),
                Optional.empty(),
                metrics,
                GROUPS,
                100,
                60,
                compaction);
    }

    @Test
    void aSoundRunPassesEveryCheck() {
        assertEquals(List.of(), DemoChecks.failures(result(0.75, 3, true, 4.8e-6, 0)));
    }

    @Test
    void onnxRuntimeOutputsFarFromTheCompactOnesFail() {
        List<String> failures = DemoChecks.failures(result(0.75, 3, true, 4.8e-6, 0, 3e-3));
        assertEquals(
                List.of(
                        "ONNX Runtime vs compact: outputs differ by up to 0.00300 (more than 1e-04)"),
                failures);
    }

    @Test
    void compactOutputsFarFromTheZeroedOnesFail() {
        List<String> failures = DemoChecks.failures(result(0.75, 3, true, 2e-3, 0));
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(
                failures.get(0).startsWith("compact vs zeroed: outputs differ by up to 0.00200"));
    }

    @Test
    void nonFiniteValuesFailRatherThanPass() {
        List<String> failures = DemoChecks.failures(result(Double.NaN, 3, true, 0, Double.NaN));
        assertEquals(
                List.of(
                        "HESSO's test accuracy is NaN",
                        "reloaded vs compact: outputs differ by up to NaN (more than 1e-04)"),
                failures);
    }

    @Test
    void zeroChannelsThatAreNotThePrunedOnesFail() {
        List<String> failures = DemoChecks.failures(result(0.75, 2, false, 0, 0));
        assertEquals(
                List.of(
                        "3 channels are exactly zero in the arrays but HESSO reports 2 pruned",
                        "the channels compaction removed are not exactly the channels that are"
                                + " zero in the arrays"),
                failures);
    }
}
