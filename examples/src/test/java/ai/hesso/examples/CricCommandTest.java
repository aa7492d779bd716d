package ai.hesso.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.core.HessoSettings;
import ai.hesso.core.cric.CricSettings;
import ai.hesso.core.schedule.PruningSchedule;
import ai.hesso.examples.cric.CricBenchSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Options of {@code hesso cric} and the two schedules they derive; nothing trains. */
class CricCommandTest {

    private static CricBenchSettings parse(String... args) {
        CricCommand command = new CricCommand();
        new CommandLine(command).parseArgs(args);
        return command.settings();
    }

    @Test
    void defaultsGiveBothMethodsTheSameSpan() {
        CricBenchSettings s = parse();
        assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), s.dataDirectory());
        assertEquals("narrow-cnn", s.model());
        assertEquals(0.9, s.sparsity());
        assertEquals(List.of(1, 2), s.seeds());
        // 60000 / 128 -> 469 steps per epoch, 938 in all; warm-up to round(93.8) = 94, pruned by
        // 94 + round(0.23 * 938) = 94 + 216 = 310
        assertEquals(938, s.totalSteps());
        assertEquals(94, s.startStep());
        assertEquals(310, s.prunedByStep());
        assertEquals(new PruningSchedule(94, 216, 5), s.hessoSettings().schedule().orElseThrow());
        // narrow-cnn has 4 prunable node groups: 24 probe steps, at most 5 cycles of 10, and a
        // hybrid phase of 216 - 24 - 50 = 142 steps, ending at step 94 + 24 + 50 + 142 - 1 = 309
        CricSettings cric = s.cricSettings(4).cric().orElseThrow();
        assertEquals(94, cric.startCricStep());
        assertEquals(10, cric.samplingSteps());
        assertEquals(5, cric.maxCycles());
        assertEquals(142, cric.hybridTrainingSteps());
        assertEquals(1.0, cric.lossWeight());
    }

    @Test
    void theBenchmarkSubsetSchedule() {
        CricBenchSettings s =
                parse("--limit", "30000", "--model", "fashion-cnn", "--seeds", "3,4,5");
        assertEquals(List.of(3, 4, 5), s.seeds());
        // 30000 / 128 -> 235 steps per epoch, 470 in all: warm-up 47, pruned by 47 + 108
        assertEquals(470, s.totalSteps());
        assertEquals(155, s.prunedByStep());
        HessoSettings cric = s.cricSettings(5);
        // fashion-cnn: 5 node groups, 30 probe steps; 108 - 30 - 50 = 28 hybrid steps
        assertEquals(28, cric.cric().orElseThrow().hybridTrainingSteps());
        assertEquals(0.9, cric.targetGroupSparsity());
    }

    @Test
    void aSpanTooShortForCricIsExplained() {
        CricBenchSettings s = parse("--limit", "6400");
        // 50 steps per epoch, 100 in all: the span is 23 steps, less than 24 probe steps
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> s.cricSettings(4));
        assertTrue(e.getMessage().startsWith("the run is too short for CRIC: 24 probe steps"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--sparsity|0|hesso cric: --sparsity must be in (0, 1), got 0.0",
                "--model|vgg|hesso cric: --model must be one of [fashion-cnn, narrow-cnn,"
                        + " resnet20], got vgg",
                "--max-cycles|0|hesso cric: --max-cycles must be at least 1, got 0",
                "--loss-weight|-1|hesso cric: --loss-weight must be finite and >= 0, got -1.0",
                "--limit|0|hesso cric: --limit must be in [1, 60000], got 0",
            })
    void badOptionsAreOneLineUsageErrors(String option, String value, String message) {
        StringWriter err = new StringWriter();
        CommandLine cli = HessoCli.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(CommandLine.ExitCode.USAGE, cli.execute("cric", option, value));
        assertEquals(message, err.toString().strip());
    }
}
