package ai.hesso.examples.progress;

import java.io.PrintWriter;
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
                                    line -> {
                                        out.println(line.strip());
                                        out.flush();
                                    },
                                    NON_TERMINAL_WIDTH));
        }
        return builder.build();
    }
}
