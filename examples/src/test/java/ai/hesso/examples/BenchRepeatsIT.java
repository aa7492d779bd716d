package ai.hesso.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code hesso bench --repeats 2}: both runs print their tables, the summary's median is the mean
 * of the two runs' ratios (an even count), and the exit code follows the medians' verdicts. The
 * times themselves are not judged (no timed tests).
 */
class BenchRepeatsIT {

    private static final Pattern RUN_ROW =
            Pattern.compile("outside pruning periods\\s+\\d+\\s+\\S+\\s+\\S+\\s+(\\d+\\.\\d{3})");

    @Test
    void summarizesTheRunsWithMedianAndSpread() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HessoCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code =
                cli.execute(
                        "bench",
                        "--synthetic",
                        "--steps",
                        "30",
                        "--warmup",
                        "2",
                        "--block",
                        "5",
                        "--batch-size",
                        "4",
                        "--batches",
                        "3",
                        "--variants",
                        "sgd",
                        "--repeats",
                        "2");
        String text = out.toString();
        assertTrue(text.contains("run 1 of 2") && text.contains("run 2 of 2"), text);
        Matcher rows = RUN_ROW.matcher(text);
        double[] ratios = new double[2];
        for (int i = 0; i < 2; i++) {
            assertTrue(rows.find(), text);
            ratios[i] = Double.parseDouble(rows.group(1));
        }
        List<String> summary =
                text.lines().filter(l -> l.startsWith("SGD outside pruning periods")).toList();
        assertEquals(1, summary.size(), text);
        Matcher m =
                Pattern.compile(
                                "median (\\d+\\.\\d{3}) of 2 runs \\((\\d+\\.\\d{3}) to"
                                        + " (\\d+\\.\\d{3}): .*\\)  <= 1\\.05 (PASS|FAIL)")
                        .matcher(summary.get(0));
        assertTrue(m.find(), summary.get(0));
        // the printed ratios are rounded to 3 decimals: the median of two is their mean
        assertEquals((ratios[0] + ratios[1]) / 2, Double.parseDouble(m.group(1)), 0.0011);
        assertEquals(Math.min(ratios[0], ratios[1]), Double.parseDouble(m.group(2)), 0);
        assertEquals(Math.max(ratios[0], ratios[1]), Double.parseDouble(m.group(3)), 0);
        boolean outsidePasses = m.group(4).equals("PASS");
        boolean duringPasses =
                text.lines()
                        .filter(l -> l.startsWith("SGD during pruning periods"))
                        .allMatch(l -> l.endsWith("PASS"));
        assertEquals(outsidePasses && duringPasses ? 0 : 1, code, err.toString());
    }
}
