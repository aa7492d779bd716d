package ai.hesso.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI runs the README's set-up commands as {@code .ci/readme-commands} reads them: exactly two, the
 * Fashion-MNIST demo first, then the test command; a README that breaks that shape fails CI.
 */
class ReadmeCommandsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private record Run(int exitCode, List<String> out, String err) {}

    private static Run readCommands(Path readme) throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder(
                                "bash",
                                ROOT.resolve(".ci/readme-commands").toString(),
                                readme.toString())
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out.lines().toList(), err);
    }

    @Test
    void theReadmeHasTheDemoThenTheTests() throws Exception {
        Run run = readCommands(ROOT.resolve("README.md"));
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(2, run.out().size(), run.out().toString());
        assertTrue(run.out().get(0).endsWith("bin/hesso demo"), run.out().get(0));
        assertTrue(
                run.out().get(0).contains("apt-get install -y dataset-fashion-mnist"),
                run.out().get(0));
        assertEquals("mvn -B verify", run.out().get(1));
    }

    @Test
    void aThirdBlockOrATwoLineBlockIsRefused(@TempDir Path dir) throws Exception {
        Path readme = dir.resolve("README.md");
        Files.writeString(
                readme,
                "# x\n\n## Set up\n\n```sh\nbin/hesso demo\n```\n\n```sh\nmvn -B verify\n```\n\n"
                        + "```sh\nmvn install\n```\n\n## Use\n\n```sh\nignored\n```\n");
        Run three = readCommands(readme);
        assertEquals(1, three.exitCode());
        assertTrue(three.err().contains("has 3 sh blocks, expected 2"), three.err());

        Files.writeString(
                readme, "## Set up\n```sh\ncd x\nbin/hesso demo\n```\n```sh\nmvn -B verify\n```\n");
        Run twoLines = readCommands(readme);
        assertEquals(1, twoLines.exitCode());
        assertTrue(
                twoLines.err().contains("set-up block 1 has 2 lines, expected one command"),
                twoLines.err());
    }
}
