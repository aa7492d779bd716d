package ai.hesso.examples.progress;

import java.io.PrintWriter;
import java.util.function.Consumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars of the command line ({@code me.tongfei:progressbar}) that stay readable wherever
 * the output goes.
 *
 * <p>On an interactive terminal the bar redraws itself in place on standard error, twice a second.
 * When standard output is not a terminal (a file, a pipe, a test's writer), the bar is written as
 * whole lines to the command's own output, one every {@link #NON_TERMINAL_INTERVAL_MILLIS}
 * milliseconds and once more at the end: a log file then holds a short, readable history instead of
 * carriage returns.
 */
public final class ProgressBars {

    /** How often a bar writes a line when the output is not a terminal. */
    public static final int NON_TERMINAL_INTERVAL_MILLIS = 10_000;

    private static final int TERMINAL_INTERVAL_MILLIS = 500;

    /** Wide enough for the bar and a line of metrics; a file has no width to fit. */
    private static final int NON_TERMINAL_WIDTH = 200;

    private ProgressBars() {}

    /** Writes each rendered bar as a line, skipping a line equal to the one before it. */
    private static final class DistinctLines implements Consumer<String> {
        private final PrintWriter out;
        private String last;

        DistinctLines(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void accept(String rendered) {
            String line = rendered.strip();
            // the bar renders once more when it closes, usually the same as the timer's last line
            if (!line.equals(last)) {
                out.println(line);
                out.flush();
                last = line;
            }
        }
    }

    /**
     * Shows a message after the bar's counts (the library writes it right after them, so it gets a
     * leading space here).
     *
     * @param bar the bar
     * @param message the message, e.g. the epoch's loss
     */
    public static void say(ProgressBar bar, String message) {
        bar.setExtraMessage(" " + message);
    }

    /**
     * Starts a progress bar.
     *
     * @param task the name shown before the bar, e.g. {@code HESSO}
     * @param max the total count of units, e.g. optimizer steps
     * @param unit the unit's name with its leading space, e.g. {@code " steps"}
     * @param out the command's output, used when it is not a terminal
     * @return the bar; close it to write its last state
     */
    public static ProgressBar start(String task, long max, String unit, PrintWriter out) {
        ProgressBarBuilder builder =
                new ProgressBarBuilder()
                        .setTaskName(task)
                        .setInitialMax(max)
                        .setUnit(unit, 1)
                        .setStyle(ProgressBarStyle.ASCII)
                        .showSpeed();
        if (System.console() != null) {
            builder.setUpdateIntervalMillis(TERMINAL_INTERVAL_MILLIS);
        } else {
            builder.setUpdateIntervalMillis(NON_TERMINAL_INTERVAL_MILLIS)
                    .setConsumer(
                            new DelegatingProgressBarConsumer(
                                    new DistinctLines(out), NON_TERMINAL_WIDTH));
        }
        return builder.build();
    }
}
