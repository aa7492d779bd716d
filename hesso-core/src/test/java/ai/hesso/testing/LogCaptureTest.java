package ai.hesso.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LogCapture} keeps the named loggers' warnings, lets everything else through, and fails a
 * test that leaves a kept warning unchecked. Driven by hand (its callbacks do not read the context)
 * so that what reaches {@code System.err} can be seen.
 */
class LogCaptureTest {

    private static final Logger captured = LoggerFactory.getLogger("ai.hesso.testing.Captured");
    private static final Logger other = LoggerFactory.getLogger("ai.hesso.testing.Other");

    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
    private PrintStream saved;

    @BeforeEach
    void watchStandardError() {
        saved = System.err;
        System.setErr(new PrintStream(seen, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStandardError() {
        System.setErr(saved);
    }

    private String seen() {
        return seen.toString(StandardCharsets.UTF_8);
    }

    @Test
    void keepsTheNamedLoggersWarningsAndPassesTheRestThrough() {
        PrintStream before = System.err;
        LogCapture log = LogCapture.warningsOf("ai.hesso.testing.Captured");
        log.beforeEach(null);
        captured.warn("expected {}", 1);
        captured.info("progress");
        captured.error("broken");
        other.warn("nobody expected this");
        System.err.println("a plain line");
        captured.warn("expected {}", 2);
        assertEquals(List.of("expected 1", "expected 2"), log.take());
        assertEquals(List.of(), log.take(), "taken once");
        log.afterEach(null);
        assertSame(before, System.err, "System.err is restored");
        String out = seen();
        assertTrue(out.contains("INFO ai.hesso.testing.Captured - progress"), out);
        assertTrue(out.contains("ERROR ai.hesso.testing.Captured - broken"), out);
        assertTrue(out.contains("WARN ai.hesso.testing.Other - nobody expected this"), out);
        assertTrue(out.contains("a plain line"), out);
        assertFalse(out.contains("expected 1") || out.contains("expected 2"), out);
    }

    @Test
    void aWarningTheTestDidNotTakeFailsIt() {
        LogCapture log = LogCapture.warningsOf(LogCaptureTest.class);
        log.beforeEach(null);
        LoggerFactory.getLogger(LogCaptureTest.class).warn("left unchecked");
        AssertionFailedError e =
                assertThrows(AssertionFailedError.class, () -> log.afterEach(null));
        assertTrue(e.getMessage().contains("[left unchecked]"), e.getMessage());
        assertFalse(seen().contains("left unchecked"), "kept, not printed");
    }
}
