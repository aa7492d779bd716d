package ai.hesso.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.core.variant.Variant;
import ai.hesso.examples.bench.BenchSettings;
import ai.hesso.examples.bench.InferenceBenchSettings;
import ai.hesso.examples.demo.DemoSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Option parsing and validation of {@code hesso demo}, {@code hesso bench} and {@code hesso bench
 * inference}; nothing trains or is timed.
 */
class CommandOptionsTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = HessoCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void demoDefaults() {
        DemoCommand command = new DemoCommand();
        new CommandLine(command).parseArgs();
        DemoSettings s = command.settings();
        assertEquals(DemoSettings.defaults(), s);
        assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), s.dataDirectory());
        assertEquals(Path.of("target/hesso-demo"), s.saveDirectory());
        assertEquals(20, s.timingRounds());
        // 60000 / 128 -> 469 steps per epoch, 938 in all; warm-up 10%, pruning 23%, 5 periods
        assertEquals(469, s.stepsPerEpoch());
        assertEquals(new DemoSettings.Schedule(938, 94, 216, 5), s.schedule());
        assertEquals(310, s.schedule().prunedByStep());
    }

    @Test
    void demoParsesEveryOption() {
        DemoCommand command = new DemoCommand();
        new CommandLine(command)
                .parseArgs(
                        "--data",
                        "/tmp/fm",
                        "--epochs",
                        "3",
                        "--batch-size",
                        "64",
                        "--sparsity",
                        "0.3",
                        "--lr",
                        "0.1",
                        "--seed",
                        "7",
                        "--limit",
                        "1000",
                        "--test-limit",
                        "500",
                        "--compare-dense",
                        "--save",
                        "/tmp/out",
                        "--timing-rounds",
                        "3",
                        "--target-macs",
                        "0.3");
        DemoSettings s = command.settings();
        assertEquals(
                new DemoSettings(
                        Path.of("/tmp/fm"),
                        3,
                        64,
                        0.3,
                        0.1f,
                        7,
                        1000,
                        500,
                        true,
                        Path.of("/tmp/out"),
                        3,
                        0.3),
                s);
        // 1000 / 64 -> 16 steps per epoch, 48 in all: warm-up 5, pruning 11 in 4 periods
        assertEquals(new DemoSettings.Schedule(48, 5, 11, 4), s.schedule());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--sparsity|1.5|hesso demo: --sparsity must be in [0, 1), got 1.5",
                "--sparsity|-0.1|hesso demo: --sparsity must be in [0, 1), got -0.1",
                "--epochs|0|hesso demo: --epochs must be at least 1, got 0",
                "--batch-size|-4|hesso demo: --batch-size must be at least 1, got -4",
                "--lr|0|hesso demo: --lr must be positive and finite, got 0.0",
                "--limit|70000|hesso demo: --limit must be in [1, 60000], got 70000",
                "--test-limit|0|hesso demo: --test-limit must be in [1, 10000], got 0",
                "--target-macs|0|hesso demo: --target-macs must be in (0, 1), got 0.0",
                "--target-macs|1|hesso demo: --target-macs must be in (0, 1), got 1.0",
                "--timing-rounds|0|hesso demo: --timing-rounds must be at least 1, got 0",
            })
    void demoRejectsABadValueInOneLine(String option, String value, String message) {
        assertEquals(2, run("demo", option, value));
        assertEquals(message, err.toString().strip());
        assertEquals("", out.toString());
    }

    @Test
    void demoRejectsANonNumber() {
        assertEquals(2, run("demo", "--sparsity", "half"));
        assertTrue(
                err.toString()
                        .startsWith("hesso demo: Invalid value for option '--sparsity': 'half'"),
                err.toString());
    }

    @Test
    void benchDefaults() {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs("--synthetic");
        BenchSettings s = command.settings();
        assertEquals(
                new BenchSettings(
                        Path.of("/usr/share/datasets/fashion-mnist"),
                        true,
                        300,
                        20,
                        10,
                        128,
                        20,
                        42,
                        "fashion-cnn",
                        List.of(Variant.SGD, Variant.ADAM, Variant.ADAMW)),
                s);
        // warm-up ends a third into the timed steps, pruning fills the second third
        assertEquals(120, s.startPruningStep());
        assertEquals(100, s.pruningSteps());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--steps|10|hesso bench: --steps must be at least 30, got 10",
                "--warmup|-1|hesso bench: --warmup must be at least 0, got -1",
                "--block|0|hesso bench: --block must be in [1, 300], got 0",
                "--batch-size|0|hesso bench: --batch-size must be at least 1, got 0",
                "--batches|0|hesso bench: --batches must be at least 1, got 0",
                "--model|vgg|hesso bench: --model must be one of [fashion-cnn, resnet50, transformer],"
                        + " got 'vgg'",
                "--variants|rmsprop|hesso bench: --variants: unknown variant 'rmsprop'; valid: sgd,"
                        + " adam, adamw",
            })
    void benchRejectsABadValueInOneLine(String option, String value, String message) {
        assertEquals(2, run("bench", "--synthetic", option, value));
        assertEquals(message, err.toString().strip());
        assertFalse(out.toString().contains("median"), out.toString());
    }

    @Test
    void benchRefusesFewerThanOneRepeat() {
        assertEquals(2, run("bench", "--synthetic", "--repeats", "0"));
        assertEquals("hesso bench: --repeats must be at least 1, got 0", err.toString().strip());
        assertEquals("", out.toString().strip());
    }

    @Test
    void benchResnet50NeedsSyntheticImages() {
        assertEquals(2, run("bench", "--model", "resnet50"));
        assertEquals(
                "hesso bench: --model resnet50 needs --synthetic: its ImageNet widths need inputs"
                        + " larger than Fashion-MNIST's 28x28, so it runs on seeded random 32x32"
                        + " images",
                err.toString().strip());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void benchTransformerRunsOnFashionMnistOrSyntheticImages(boolean synthetic) {
        BenchCommand command = new BenchCommand();
        String[] args =
                synthetic
                        ? new String[] {
                            "--model", "transformer", "--synthetic", "--batch-size", "4"
                        }
                        : new String[] {"--model", "transformer", "--batch-size", "4"};
        new CommandLine(command).parseArgs(args);
        BenchSettings s = command.settings();
        assertEquals(BenchSettings.TRANSFORMER, s.model());
        assertEquals(synthetic, s.synthetic());
        assertEquals(4, s.batchSize());
        // a vision transformer on Fashion-MNIST's own 28x28 images, real or synthetic
        assertEquals(28, s.imageSize());
    }

    @Test
    void benchInferenceDefaults() {
        BenchInferenceCommand command = new BenchInferenceCommand();
        new CommandLine(command).parseArgs();
        InferenceBenchSettings s = command.settings();
        assertEquals(
                new InferenceBenchSettings(
                        Optional.empty(), 0.5, List.of(1, 16, 256), 30, 5, 512, 42),
                s);
        // 512 images per sample: 512 passes at batch 1, 8 at 64, 2 at 256, 1 above 512
        assertEquals(512, s.callsPerSample(1));
        assertEquals(8, s.callsPerSample(64));
        assertEquals(2, s.callsPerSample(256));
        assertEquals(1, s.callsPerSample(1000));
    }

    @Test
    void benchInferenceParsesEveryOption() {
        BenchInferenceCommand command = new BenchInferenceCommand();
        new CommandLine(command)
                .parseArgs(
                        "--trained",
                        "/tmp/d",
                        "--sparsity",
                        "0.25",
                        "--batch-sizes",
                        "2,8",
                        "--rounds",
                        "7",
                        "--warmup",
                        "0",
                        "--images-per-sample",
                        "16",
                        "--seed",
                        "3");
        assertEquals(
                new InferenceBenchSettings(
                        Optional.of(Path.of("/tmp/d")), 0.25, List.of(2, 8), 7, 0, 16, 3),
                command.settings());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--sparsity|1|hesso bench inference: --sparsity must be in [0, 1), got 1.0",
                "--batch-sizes|64,0|hesso bench inference: --batch-sizes must all be at least 1,"
                        + " got 0",
                "--rounds|2|hesso bench inference: --rounds must be at least 3, got 2",
                "--warmup|-1|hesso bench inference: --warmup must be at least 0, got -1",
                "--images-per-sample|0|hesso bench inference: --images-per-sample must be at least"
                        + " 1, got 0",
            })
    void benchInferenceRejectsABadValueInOneLine(String option, String value, String message) {
        assertEquals(2, run("bench", "inference", option, value));
        assertEquals(message, err.toString().strip());
        assertEquals("", out.toString());
    }

    @Test
    void benchHelpNamesTheInferenceSubcommand() {
        assertEquals(0, run("bench", "--help"));
        assertTrue(out.toString().contains("hesso bench inference"), out.toString());
        assertTrue(out.toString().contains("  inference "), out.toString());
    }

    @Test
    void helpListsDemoAndBench() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("  demo "), out.toString());
        assertTrue(out.toString().contains("  bench "), out.toString());
    }
}
