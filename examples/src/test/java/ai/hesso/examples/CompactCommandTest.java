package ai.hesso.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The error paths of {@code hesso compact} that fail before any model is loaded: one line on
 * standard error, nothing on standard output, a non-zero exit code.
 */
class CompactCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = HessoCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private String oneErrorLine() {
        String text = err.toString();
        assertEquals(1, text.lines().count(), text);
        assertEquals("", out.toString());
        return text.strip();
    }

    @Test
    void missingDirectory(@TempDir Path tmp) {
        Path missing = tmp.resolve("nowhere");
        assertEquals(1, run("compact", missing.toString()));
        assertEquals(
                "hesso compact: no saved model: " + missing + " is not a directory",
                oneErrorLine());
    }

    @Test
    void directoryWithoutTheParameterFile(@TempDir Path tmp) {
        assertEquals(1, run("compact", tmp.toString()));
        assertEquals(
                "hesso compact: no saved model: "
                        + tmp.resolve("fashion-cnn-0000.params")
                        + " does not exist; hesso demo saves its trained model as"
                        + " <save directory>/dense/fashion-cnn-0000.params",
                oneErrorLine());
    }

    @Test
    void aCompactModelDirectoryIsNamedAsSuch(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("compact.json"), "{}");
        assertEquals(1, run("compact", "--model", "mlp", tmp.toString()));
        String line = oneErrorLine();
        assertTrue(
                line.startsWith("hesso compact: no saved model: " + tmp.resolve("mlp-0000.params")),
                line);
        assertTrue(line.contains("holds compact.json, a model that is already compact"), line);
    }

    @Test
    void unknownModelIsAUsageError(@TempDir Path tmp) {
        assertEquals(2, run("compact", "--model", "lenet", tmp.toString()));
        assertEquals(
                "hesso compact: unknown model 'lenet'; valid models: [mlp, vgg, resnet20,"
                        + " resnet18, inception, transformer, fashion-cnn]",
                oneErrorLine());
    }

    @Test
    void missingDirectoryArgumentIsAUsageError() {
        assertEquals(2, run("compact"));
        assertEquals(
                "hesso compact: Missing required parameter: 'DIR' (see 'hesso compact --help')",
                err.toString().strip());
    }

    @Test
    void outputDefaultsToASiblingDirectory(@TempDir Path tmp) {
        CompactCommand command = new CompactCommand();
        new CommandLine(command).parseArgs(tmp.resolve("dense").toString());
        assertEquals(tmp.resolve("dense-compact"), command.outputDirectory());
        new CommandLine(command).parseArgs("--out", "x", tmp.resolve("dense").toString());
        assertEquals(Path.of("x"), command.outputDirectory());
    }

    @Test
    void helpListsCompact() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("  compact "), out.toString());
    }
}
