package ai.hesso.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Keeps the warnings a test provokes on purpose out of the build log and hands them to the test to
 * assert.
 *
 * <p>Register it on an instance field, naming the loggers whose warnings the test expects:
 *
 * <pre>{@code
 * @RegisterExtension final LogCapture log = LogCapture.warningsOf(Identification.class);
 *
 * @Test
 * void roundingGivesChannelsBack() {
 *     ...
 *     assertEquals(List.of("groupDivisible 2 gave back ..."), log.take());
 * }
 * }</pre>
 *
 * <p>While each test runs, the {@code WARN} lines of the named loggers are kept instead of printed;
 * every other line (other loggers, other levels, anything else written to {@code System.err}) goes
 * through unchanged, so a warning nobody expected still shows. {@link #take()} returns the kept
 * messages and forgets them. A test that ends with kept messages it did not take fails, naming
 * them: a capture is a promise to check what it hides.
 *
 * <p>It reads the lines slf4j-simple, the tests' SLF4J binding, writes to {@code System.err} with
 * its defaults ({@code [thread] WARN logger.name - message}); slf4j-simple looks {@code System.err}
 * up at every line unless {@code org.slf4j.simpleLogger.cacheOutputStream} is set, so replacing it
 * for the duration of a test is enough. The tests of a module run one at a time.
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {

    /** slf4j-simple's default line: an optional {@code [thread]}, the level, the logger, text. */
    private static final Pattern LINE =
            Pattern.compile("^(?:\\[[^\\]]*\\] )?(TRACE|DEBUG|INFO|WARN|ERROR) (\\S+) - (.*)$");

    private final Set<String> loggers;
    private final List<String> kept = new ArrayList<>();
    private PrintStream original;
    private LineFilter filter;

    private LogCapture(Set<String> loggers) {
        this.loggers = loggers;
    }

    /**
     * Captures the warnings of the loggers named after these classes ({@code
     * LoggerFactory.getLogger(type)}).
     *
     * @param types the classes whose loggers' warnings the tests expect
     * @return the extension, to register with {@code @RegisterExtension}
     */
    public static LogCapture warningsOf(Class<?>... types) {
        return warningsOf(Arrays.stream(types).map(Class::getName).toArray(String[]::new));
    }

    /**
     * Captures the warnings of the loggers with these names (for classes a test cannot see).
     *
     * @param loggerNames the full logger names
     * @return the extension, to register with {@code @RegisterExtension}
     */
    public static LogCapture warningsOf(String... loggerNames) {
        if (loggerNames.length == 0) {
            throw new IllegalArgumentException("name at least one logger to capture");
        }
        return new LogCapture(Set.of(loggerNames));
    }

    /**
     * Returns the warnings kept since the test started or since the last call, in the order they
     * were logged, and forgets them.
     *
     * @return the messages, without thread, level and logger name
     */
    public List<String> take() {
        if (filter != null) {
            filter.flushLine();
        }
        synchronized (kept) {
            List<String> taken = List.copyOf(kept);
            kept.clear();
            return taken;
        }
    }

    /** {@inheritDoc} */
    @Override
    public void beforeEach(ExtensionContext context) {
        original = System.err;
        filter = new LineFilter(original);
        System.setErr(new PrintStream(filter, true, Charset.defaultCharset()));
    }

    /** {@inheritDoc} */
    @Override
    public void afterEach(ExtensionContext context) {
        System.err.flush();
        filter.flushLine();
        System.setErr(original);
        filter = null;
        List<String> unchecked = take();
        if (!unchecked.isEmpty()) {
            Assertions.fail(
                    unchecked.size()
                            + " warning(s) of "
                            + loggers
                            + " were captured but the test did not take them: "
                            + unchecked);
        }
    }

    /** Splits what is written into lines; keeps the captured ones, passes the rest through. */
    private final class LineFilter extends OutputStream {
        private final PrintStream target;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineFilter(PrintStream target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) {
            line.write(b);
            if (b == '\n') {
                flushLine();
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public synchronized void flush() {
            target.flush();
        }

        synchronized void flushLine() {
            if (line.size() == 0) {
                return;
            }
            String text = line.toString(Charset.defaultCharset());
            Matcher m = LINE.matcher(text.stripTrailing());
            if (m.matches() && m.group(1).equals("WARN") && loggers.contains(m.group(2))) {
                synchronized (kept) {
                    kept.add(m.group(3));
                }
            } else {
                target.write(line.toByteArray(), 0, line.size());
                target.flush();
            }
            line.reset();
        }
    }
}
