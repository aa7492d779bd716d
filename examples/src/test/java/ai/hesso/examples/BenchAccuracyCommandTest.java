package ai.hesso.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.examples.bench.accuracy.AccuracySettings;
import ai.hesso.examples.bench.accuracy.Method;
import ai.hesso.examples.bench.accuracy.Trial;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Option parsing and the trial plan of {@code hesso bench accuracy}; nothing trains. */
class BenchAccuracyCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = HessoCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private static AccuracySettings parse(String... args) {
        BenchAccuracyCommand command = new BenchAccuracyCommand();
        new CommandLine(command).parseArgs(args);
        return command.settings();
    }

    @Test
    void quickIsOneSeedFiftyStepsPerMethod() {
        AccuracySettings s = parse("--quick", "--out", "/tmp/x");
        assertEquals(AccuracySettings.quick(s.dataDirectory(), Path.of("/tmp/x")), s);
        // 1792 / 64 -> 28 steps per epoch, 56 per method: CRIC on resnet8 needs 52
        assertEquals(56, s.totalSteps());
        assertEquals(1_000, s.testLimit());
        // per model: dense, hesso 0.5 and 0.7, cric 0.7, hesso-macs, hesso-per-group, oneshot,
        // iterative, iterative per group, random, scratch
        List<Trial> trials = s.trials();
        assertEquals(22, trials.size());
        assertEquals(
                List.of(
                        new Trial("fashion-cnn", Method.DENSE, 0, 1),
                        new Trial("fashion-cnn", Method.HESSO, 0.5, 1),
                        new Trial("fashion-cnn", Method.HESSO, 0.7, 1),
                        new Trial("fashion-cnn", Method.HESSO_CRIC, 0.7, 1),
                        new Trial("fashion-cnn", Method.HESSO_MACS, 0.7, 1),
                        new Trial("fashion-cnn", Method.HESSO_PER_GROUP, 0.7, 1),
                        new Trial("fashion-cnn", Method.ONESHOT_L2, 0.7, 1),
                        new Trial("fashion-cnn", Method.ITERATIVE_L2, 0.7, 1),
                        new Trial("fashion-cnn", Method.ITERATIVE_L2_PER_GROUP, 0.7, 1),
                        new Trial("fashion-cnn", Method.RANDOM, 0.7, 1),
                        new Trial("fashion-cnn", Method.SCRATCH, 0.7, 1)),
                trials.subList(0, 11));
    }

    @Test
    void fullRunsThreeSeedsAndElevenTrialsPerModelAndSeed() {
        AccuracySettings s = parse();
        assertEquals(List.of(1, 2, 3), s.seeds());
        assertEquals(6 * 469, s.totalSteps());
        // dense, hesso at 0.5 and 0.7, then at 0.7: cric, hesso-macs, hesso-per-group, four
        // baselines, scratch
        assertEquals(2 * 3 * 11, s.trials().size());
    }

    @Test
    void optionsOverrideThePreset() {
        AccuracySettings s =
                parse(
                        "--quick",
                        "--models",
                        "resnet8",
                        "--methods",
                        "dense,hesso,scratch",
                        "--seeds",
                        "4,5",
                        "--epochs",
                        "3",
                        "--sparsities",
                        "0.3,0.6",
                        "--baseline-sparsities",
                        "0.6");
        assertEquals(List.of("resnet8"), s.models());
        assertEquals(3 * 28, s.totalSteps());
        // per seed: dense, hesso 0.3, hesso 0.6, scratch 0.6
        assertEquals(
                List.of(
                        new Trial("resnet8", Method.DENSE, 0, 4),
                        new Trial("resnet8", Method.HESSO, 0.3, 4),
                        new Trial("resnet8", Method.HESSO, 0.6, 4),
                        new Trial("resnet8", Method.SCRATCH, 0.6, 4)),
                s.trials().subList(0, 4));
        assertEquals(8, s.trials().size());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--models|vgg19|hesso bench accuracy: unknown model 'vgg19'; valid: [fashion-cnn,"
                        + " resnet8, vit]",
                "--methods|magic|hesso bench accuracy: unknown method 'magic'; valid: dense, hesso,"
                        + " hesso-cric, hesso-macs, hesso-macs-banded, hesso-per-group, oneshot-l2,"
                        + " iterative-l2, iterative-l2-per-group, random, scratch,"
                        + " oneshot-l2-per-group,"
                        + " random-per-group, scratch-per-group, iterative-l2-global-norm",
                "--methods|dense,random-per-group|hesso bench accuracy: --methods:"
                        + " random-per-group runs only in 'hesso bench frontier', at a MAC budget",
                "--methods|dense,hesso-macs|hesso bench accuracy: --methods: hesso-macs needs hesso"
                        + " (its MAC budget is what HESSO reached)",
                "--baseline-sparsities|0.9|hesso bench accuracy: --baseline-sparsities: 0.9 is not"
                        + " among --sparsities [0.5, 0.7] (scratch trains HESSO's architecture at"
                        + " the same target)",
                "--epochs|0|hesso bench accuracy: --epochs must be at least 1, got 0",
                "--limit|100|hesso bench accuracy: the budget of 4 steps is too short: HESSO's five"
                        + " periods need at least 50 (raise --epochs or --limit, or lower"
                        + " --batch-size)"
            })
    void rejectsABadValueInOneLine(String option, String value, String message) {
        assertEquals(2, run("bench", "accuracy", "--quick", option, value));
        assertEquals(message, err.toString().strip());
    }

    @Test
    void benchHelpListsAccuracy() {
        assertEquals(0, run("bench", "--help"));
        assertTrue(out.toString().contains("accuracy"), out.toString());
    }
}
