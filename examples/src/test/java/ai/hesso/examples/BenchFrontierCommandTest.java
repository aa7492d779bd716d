package ai.hesso.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.examples.bench.accuracy.FrontierSettings;
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

/** Option parsing and the trial plan of {@code hesso bench frontier}; nothing trains. */
class BenchFrontierCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = HessoCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private static FrontierSettings parse(String... args) {
        BenchFrontierCommand command = new BenchFrontierCommand();
        new CommandLine(command).parseArgs(args);
        return command.settings();
    }

    @Test
    void quickIsFiftyStepsPerMethodAtOneBudget() {
        FrontierSettings s = parse("--quick", "--out", "/tmp/x");
        assertEquals(FrontierSettings.quick(s.dataDirectory(), Path.of("/tmp/x")), s);
        // 1600 / 64 -> 25 steps per epoch, 50 per method: the fewest HESSO's periods allow
        assertEquals(50, s.totalSteps());
        // per model: dense, then the eight methods at 20% of the dense MACs
        List<Trial> trials = s.trials();
        assertEquals(18, trials.size());
        assertEquals(
                List.of(
                        new Trial("fashion-cnn", Method.DENSE, 0, 1),
                        new Trial("fashion-cnn", Method.HESSO_PER_GROUP, 0, 1, 0.2),
                        new Trial("fashion-cnn", Method.HESSO_MACS, 0, 1, 0.2),
                        new Trial("fashion-cnn", Method.HESSO_MACS_BANDED, 0, 1, 0.2),
                        new Trial("fashion-cnn", Method.ONESHOT_L2_PER_GROUP, 0, 1, 0.2),
                        new Trial("fashion-cnn", Method.ITERATIVE_L2_PER_GROUP, 0, 1, 0.2),
                        new Trial("fashion-cnn", Method.RANDOM_PER_GROUP, 0, 1, 0.2),
                        new Trial("fashion-cnn", Method.SCRATCH_PER_GROUP, 0, 1, 0.2),
                        new Trial("fashion-cnn", Method.ITERATIVE_L2_GLOBAL_NORM, 0, 1, 0.2)),
                trials.subList(0, 9));
        assertEquals("fashion-cnn hesso-macs macs 0.20 seed 1", trials.get(2).label());
    }

    @Test
    void fullRunsTwoBudgetsLargestFirstOverThreeSeeds() {
        FrontierSettings s = parse();
        assertEquals(List.of(1, 2, 3), s.seeds());
        assertEquals(List.of("fashion-cnn", "resnet8"), s.models());
        assertEquals(2 * 469, s.totalSteps());
        // per model and seed: dense, then 8 methods at each of 2 budgets
        assertEquals(2 * 3 * 17, s.trials().size());
        assertEquals(0.2, s.trials().get(1).macBudget());
        assertEquals(0.1, s.trials().get(16).macBudget());
    }

    @Test
    void optionsOverrideThePreset() {
        FrontierSettings s =
                parse(
                        "--quick",
                        "--models",
                        "resnet8",
                        "--methods",
                        "hesso-macs,scratch-per-group",
                        "--budgets",
                        "0.1,0.3",
                        "--seeds",
                        "4");
        assertEquals(
                List.of(
                        new Trial("resnet8", Method.HESSO_MACS, 0, 4, 0.3),
                        new Trial("resnet8", Method.SCRATCH_PER_GROUP, 0, 4, 0.3),
                        new Trial("resnet8", Method.HESSO_MACS, 0, 4, 0.1),
                        new Trial("resnet8", Method.SCRATCH_PER_GROUP, 0, 4, 0.1)),
                s.trials());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--budgets|1.2|hesso bench frontier: --budgets values are fractions of the dense"
                        + " MACs in (0, 1), got 1.2",
                "--methods|hesso|hesso bench frontier: --methods: hesso is not a frontier method;"
                        + " valid: dense, hesso-per-group, hesso-macs, hesso-macs-banded,"
                        + " oneshot-l2-per-group,"
                        + " iterative-l2-per-group, random-per-group, scratch-per-group,"
                        + " iterative-l2-global-norm",
                "--models|vgg19|hesso bench frontier: unknown model 'vgg19'; valid: [fashion-cnn,"
                        + " resnet8, vit]",
                "--limit|100|hesso bench frontier: the budget of 4 steps is too short: HESSO's five"
                        + " periods need at least 50 (raise --epochs or --limit, or lower"
                        + " --batch-size)"
            })
    void rejectsABadValueInOneLine(String option, String value, String message) {
        assertEquals(2, run("bench", "frontier", "--quick", option, value));
        assertEquals(message, err.toString().strip());
    }

    @Test
    void benchHelpListsFrontier() {
        assertEquals(0, run("bench", "--help"));
        assertTrue(out.toString().contains("frontier"), out.toString());
    }
}
