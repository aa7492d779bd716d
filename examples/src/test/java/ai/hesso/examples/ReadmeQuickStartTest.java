package ai.hesso.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's quick start is the consumer project's program, character for character: the test
 * command builds and runs that program against the installed artifacts (maven-invoker-plugin), so
 * the README cannot show code that does not compile.
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
        assertTrue(
                readme.contains("<artifactId>hesso-bom</artifactId>")
                        && readme.contains("<artifactId>pytorch-native-cpu</artifactId>"),
                "README.md must show the BOM import and the CPU natives dependency");
    }
}
