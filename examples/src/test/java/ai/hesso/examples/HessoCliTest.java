package ai.hesso.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class HessoCliTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = HessoCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void helpListsUsageAndSubcommands() {
        assertEquals(0, run("--help"));
        String help = out.toString();
        assertTrue(help.startsWith("Usage: hesso [-hV] [COMMAND]"), help);
        assertTrue(help.contains("  info "), help);
        assertTrue(help.contains("  help "), help);
    }

    @Test
    void versionNamesProjectDjlAndPytorch() {
        assertEquals(0, run("--version"));
        String[] lines = out.toString().split("\\R");
        assertTrue(lines[0].matches("hesso \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), lines[0]);
        // The build-time DJL version must be the one on the class path.
        assertEquals("DJL " + Engine.getDjlVersion(), lines[1]);
        assertTrue(
                lines[2].matches("PyTorch \\d+\\.\\d+\\.\\d+ \\(pytorch-native-\\w+\\)"), lines[2]);
    }

    @Test
    void noSubcommandIsAUsageError() {
        assertEquals(2, run());
        assertTrue(err.toString().startsWith("hesso: missing subcommand"), err.toString());
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertEquals(2, run("--bogus"));
        assertTrue(err.toString().contains("Unknown option: '--bogus'"), err.toString());
    }

    @Test
    void infoStartsTheEngineAndReportsMissingData(@TempDir Path empty) {
        assertEquals(0, run("info", "--data", empty.toString()));
        String report = out.toString();
        assertTrue(report.contains("engine: PyTorch 2.3.1"), report);
        assertTrue(
                report.contains(
                        "Fashion-MNIST TEST: missing (Fashion-MNIST file not found: "
                                + empty.resolve("t10k-images-idx3-ubyte.gz")),
                report);
    }
}
