package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test program's {@code main} in a fresh JVM: what a user's next process sees, with no
 * engine, block or optimizer state left over from the test's own JVM.
 */
public final class ChildJvm {

    private static final int TIMEOUT_SECONDS = 120;

    private ChildJvm() {}

    /**
     * Runs {@code main} with the arguments and asserts that it ends in time with status 0.
     *
     * @param main the class whose {@code main} runs, on the test class path
     * @param log the file the child's standard output and error go to
     * @param args the program's arguments
     * @throws IOException if the child cannot be started or its log read
     * @throws InterruptedException if the wait is interrupted
     */
    public static void run(Class<?> main, Path log, String... args)
            throws IOException, InterruptedException {
        Process child =
                new ProcessBuilder(command(main, args))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        boolean done = child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!done) {
            child.destroyForcibly();
        }
        String childLog = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(done, "the child JVM did not finish in " + TIMEOUT_SECONDS + " s:\n" + childLog);
        assertEquals(0, child.exitValue(), childLog);
    }

    /**
     * The child's command: this JVM's {@code java}, the test class path, and the engine settings
     * this JVM runs with (the same thread counts keep the engine's sums in the same order).
     */
    private static List<String> command(Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        for (String key :
                new String[] {
                    "ai.djl.offline",
                    "ai.djl.pytorch.num_threads",
                    "ai.djl.pytorch.num_interop_threads"
                }) {
            String value = System.getProperty(key);
            if (value != null) {
                command.add("-D" + key + "=" + value);
            }
        }
        command.add("-cp");
        // the test JVM may run the library as a module (failsafe puts it and the test classes on
        // the module path); the child takes both paths as one class path
        String modules = System.getProperty("jdk.module.path", "");
        String classes = System.getProperty("java.class.path", "");
        command.add(
                modules.isEmpty()
                        ? classes
                        : classes.isEmpty() ? modules : modules + File.pathSeparator + classes);
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }
}
