package ai.hesso.djl.engine;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sums the wall-clock time of each phase of the optimizer's steps, when switched on; a clock that
 * is off costs one branch per phase. Internal: users read {@code HessoOptimizer.stepTimings()}.
 */
public final class PhaseClock {

    /** The phases of a step, in step order, each named as users read it. */
    public enum Phase {
        /** The non-finite check of the gradients and running statistics. */
        FINITE_CHECK("finite check"),
        /** The running statistics kept for a skipped step. */
        FORWARD_STATE("forward state"),
        /** The core's decision: statistics, scores, identification, masks. */
        PLAN("plan"),
        /** The pruned rows verified zero. */
        PRUNED_CHECK("pruned check"),
        /** CRIC's snapshots and restores. */
        SNAPSHOT("snapshot"),
        /** The gradients and state of pruned rows cleared. */
        CLEAR_PRUNED("clear pruned rows"),
        /** The update variant's direction and the parameter update. */
        DIRECTION("direction"),
        /** The row multipliers of the period. */
        MASKS("masks and projection"),
        /** The gradient cleared after the update. */
        CLEAR_GRADIENT("clear gradient");

        private final String label;

        Phase(String label) {
            this.label = label;
        }
    }

    private final boolean on;
    private final EnumMap<Phase, Long> nanos = new EnumMap<>(Phase.class);
    private int steps;

    /**
     * Creates a clock.
     *
     * @param on whether it measures
     */
    public PhaseClock(boolean on) {
        this.on = on;
    }

    /**
     * Reads the time at a phase's start.
     *
     * @return the time in nanoseconds, or 0 when the clock is off
     */
    public long start() {
        return on ? System.nanoTime() : 0;
    }

    /**
     * Adds the time since {@code start} to a phase.
     *
     * @param phase the phase
     * @param start what {@link #start()} returned
     */
    public void stop(Phase phase, long start) {
        if (on) {
            nanos.merge(phase, System.nanoTime() - start, Long::sum);
        }
    }

    /** Counts a step taken. */
    public void step() {
        if (on) {
            steps++;
        }
    }

    /**
     * Returns whether the clock measures.
     *
     * @return true when on
     */
    public boolean isOn() {
        return on;
    }

    /**
     * Returns the steps counted.
     *
     * @return the count
     */
    public int steps() {
        return steps;
    }

    /**
     * Returns the total of each phase that took time, in step order, by the phase's name.
     *
     * @return the totals
     */
    public Map<String, Duration> totals() {
        Map<String, Duration> out = new LinkedHashMap<>();
        nanos.forEach((phase, total) -> out.put(phase.label, Duration.ofNanos(total)));
        return out;
    }
}
