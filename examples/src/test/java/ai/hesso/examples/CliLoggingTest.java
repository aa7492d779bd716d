package ai.hesso.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The command line's logging: DJL's engine start-up INFO lines are off, and the CUDA probe's
 * warnings are hidden with the CPU natives (the default build) but shown in the cuda profile.
 */
class CliLoggingTest {

    @Test
    void djlLogsWarningsOnlyAndCudaProbeFollowsTheNatives() throws IOException {
        Properties p = new Properties();
        try (InputStream in =
                CliLoggingTest.class.getResourceAsStream("/simplelogger.properties")) {
            assertNotNull(in, "simplelogger.properties on the class path");
            p.load(in);
        }
        assertEquals("info", p.getProperty("org.slf4j.simpleLogger.defaultLogLevel"));
        assertEquals("warn", p.getProperty("org.slf4j.simpleLogger.log.ai.djl"));
        String expected =
                VersionInfo.load().pytorchNative().equals("pytorch-native-cpu") ? "error" : "warn";
        assertEquals(expected, p.getProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda"));
    }
}
