package ai.hesso.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every CLI failure is one line naming the problem, with a non-zero exit and no stack trace. */
class CliFailuresTest {

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HessoCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static void assertOneLine(Run run, int code, String expected) {
        assertEquals(code, run.code(), run.err());
        assertEquals(expected + System.lineSeparator(), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
    }

    @Test
    void dotFileInAMissingDirectory(@TempDir Path dir) {
        Path dot = dir.resolve("no/such/dir/x.dot");
        assertOneLine(
                run("groups", "--model", "mlp", "--dot", dot.toString()),
                1,
                "hesso groups: " + dot + ": no such file or directory");
    }

    @Test
    void missingReplayInputSaysWhy(@TempDir Path dir) {
        Path in = dir.resolve("nope.json");
        assertOneLine(
                run("replay", in.toString(), dir.resolve("out.json").toString()),
                1,
                "hesso replay: cannot read " + in + ": no such file or directory");
    }

    @Test
    void unknownModelIsOneUsageLine() {
        Run run = run("groups", "--model", "nosuch");
        assertEquals(2, run.code());
        assertEquals(1, run.err().lines().count(), run.err());
        assertEquals(
                "hesso groups: unknown model 'nosuch'; valid models: [mlp, vgg, resnet20,"
                        + " resnet18, inception, transformer, fashion-cnn] (see 'hesso groups"
                        + " --help')",
                run.err().strip());
    }

    @Test
    void missingRequiredOptionIsOneUsageLine() {
        Run run = run("groups");
        assertEquals(2, run.code());
        assertEquals(
                "hesso groups: Missing required option: '--model=NAME' (see 'hesso groups"
                        + " --help')",
                run.err().strip());
    }

    @Test
    void unexpectedFailureNamesItsTypeAndTheDebugSwitch() {
        assertEquals(
                "ArithmeticException: / by zero (set HESSO_DEBUG=1 for the stack trace)",
                CliFailures.describe(new ArithmeticException("/ by zero")));
    }
}
