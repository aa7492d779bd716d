package ai.hesso.djl.compact;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.djl.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hesso never makes PyTorch print {@code [W LegacyTypeDispatch.h:74] Warning:
 * AutoNonVariableTypeMode is deprecated ...}: the JNI call behind DJL's {@code NDArray.set(Buffer)}
 * and {@code copyTo} ({@code torchSet}) takes that deprecated guard, so hesso writes into existing
 * arrays with an indexed assignment instead ({@code Aliases.overwrite}). Each case runs in its own
 * JVM because PyTorch prints the warning once per process, on the native standard error.
 */
class NativeWarningIT {

    private static final String WARNING = "AutoNonVariableTypeMode is deprecated";

    @TempDir Path dir;

    @Test
    void discoverySanityCheckAndCompactionPrintNoPyTorchDeprecationWarning() throws Exception {
        Path log = dir.resolve("hesso.log");
        ChildJvm.run(NativeWarningMain.class, log, "hesso");
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(output.contains("compacted: "), output);
        assertFalse(output.contains(WARNING), output);
    }

    /** The control: DJL's own NDArray.set(float[]) prints it, so the check above can see it. */
    @Test
    void djlsSetFromAJavaArrayPrintsIt() throws Exception {
        Path log = dir.resolve("control.log");
        ChildJvm.run(NativeWarningMain.class, log, "control");
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(output.contains("set: 3.0"), output);
        assertTrue(output.contains(WARNING), output);
    }
}
