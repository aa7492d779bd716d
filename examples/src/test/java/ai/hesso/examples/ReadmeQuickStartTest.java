package ai.hesso.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's quick start is the consumer project's program and pom, character for character: the
 * test command builds and runs that project against the artifacts it installs into an empty local
 * repository (maven-invoker-plugin), so the README cannot show code or a build that does not work.
 */
class ReadmeQuickStartTest {

    @Test
    void readmeShowsTheConsumerProgramVerbatim() throws IOException {
        Path module = Path.of("").toAbsolutePath();
        String readme = Files.readString(module.resolve("../README.md"), StandardCharsets.UTF_8);
        String program =
                Files.readString(
                        module.resolve(
                                "consumer/src/main/java/com/example/quickstart/QuickStart.java"),
                        StandardCharsets.UTF_8);
        assertTrue(
                readme.contains("```java\n" + program + "```"),
                "README.md must show examples/consumer's QuickStart.java verbatim in a java block");
    }

    @Test
    void readmeShowsTheConsumerPomVerbatim() throws IOException {
        Path module = Path.of("").toAbsolutePath();
        String readme = Files.readString(module.resolve("../README.md"), StandardCharsets.UTF_8);
        String pom = Files.readString(module.resolve("consumer/pom.xml"), StandardCharsets.UTF_8);
        Matcher version =
                Pattern.compile(
                                "<artifactId>hesso-parent</artifactId>\\s*<version>([^<]+)</version>")
                        .matcher(Files.readString(module.resolve("../pom.xml")));
        assertTrue(version.find(), "the parent pom's version");
        String shown = pom.replace("@project.version@", version.group(1));
        assertTrue(
                readme.contains("```xml\n" + shown + "```"),
                "README.md must show examples/consumer/pom.xml verbatim (with the version "
                        + version.group(1)
                        + ") in an xml block");
        assertTrue(
                readme.contains("\n```text\nmvn -B -DskipTests install\n```\n"),
                "README.md must give the install step the consumer build relies on");
    }
}
