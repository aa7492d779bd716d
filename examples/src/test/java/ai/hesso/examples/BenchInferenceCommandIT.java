package ai.hesso.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code hesso bench inference} end to end with the fewest passes: the channel, parameter and MAC
 * counts it prints are checked against hand-computed values, and every batch size has a row for
 * each of the four models (zeroed, compact, folded compact, ONNX Runtime); the times are not
 * checked (no timed tests).
 */
class BenchInferenceCommandIT {

    @Test
    void printsTheCountsAndOneRowPerBatchSize() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HessoCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code =
                cli.execute(
                        "bench",
                        "inference",
                        "--batch-sizes",
                        "1,3",
                        "--rounds",
                        "3",
                        "--warmup",
                        "0",
                        "--images-per-sample",
                        "2");
        // 0 or 1 depending on the measured speedups, which this test does not judge
        assertTrue(code == 0 || code == 1, "exit code " + code + ": " + err);
        String text = out.toString();
        // half of 16, 16, 32, 32, 64 channels removed: widths 8-8-16-16-32. Parameters by hand:
        // conv 8x1x9+8, 8x8x9+8, 16x8x9+16, 16x16x9+16, 32x16x9+32; BN 4 per channel (gamma,
        // beta, running mean and variance); head 10x(32x3x3)+10: 80+584+1168+2320+4640 + 4x80 +
        // 2890 = 12,002. MACs per image: convs 8x784x9, 8x784x72, 16x196x72, 16x196x144,
        // 32x49x144, BN one per output value, head 10x288: 1,434,464 (dense: 5,578,432)
        assertTrue(
                text.startsWith(
                        "fashion-cnn: 80 of 160 prunable channels removed (50% of every group"
                                + " zeroed, seed 42); parameters 41,274 -> 12,002, MACs per image"
                                + " 5,578,432 -> 1,434,464: MAC ratio 0.257, reduction x3.89"),
                text);
        List<String> rows =
                text.lines()
                        .filter(l -> l.matches("\\s+\\d+\\s+\\d+\\s.*"))
                        .collect(Collectors.toList());
        // one row per batch size and model: zeroed, compact, folded compact, ONNX Runtime
        assertEquals(8, rows.size(), text);
        // batch 1 runs 2 passes per sample, batch 3 one; the zeroed model is its own reference
        // x/MACx: the zeroed model's 1.00 over the MAC reduction 3.89
        assertTrue(
                rows.get(0).matches("\\s+1\\s+2\\s+zeroed\\s.*\\s1\\.00\\s+0\\.26"), rows.get(0));
        assertTrue(rows.get(3).matches("\\s+1\\s+2\\s+onnxruntime\\s.*"), rows.get(3));
        assertTrue(rows.get(6).matches("\\s+3\\s+1\\s+folded\\s.*"), rows.get(6));
        List<String> targets =
                text.lines().filter(l -> l.contains("of the MAC reduction")).toList();
        assertEquals(2, targets.size(), text);
        // batch 1: the best of the three runtimes must reach the target; batch 3 has none
        assertTrue(
                targets.get(0)
                        .matches(
                                "\\s+1 best runtime \\d+\\.\\d\\d of the MAC reduction, target:"
                                        + " some >= 0\\.7: (PASS|MISS)"),
                targets.get(0));
        assertTrue(
                targets.get(1).matches("\\s+3 runtimes .* \\(no target at this batch size\\)"),
                targets.get(1));
    }
}
