package ai.hesso.djl;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where the optimizer's time went, by phase of its steps, summed over the steps taken since the
 * timings were switched on ({@code HessoOptimizer.Builder#optStepTimings}): what makes a step cost
 * more than DJL's optimizer is then visible.
 *
 * <p>The phases, in step order: {@code finite check} (one reduction per gradient and running
 * statistic, NaN and infinities refused), {@code forward state} (the running statistics kept for a
 * skipped step), {@code plan} (the core's decision: channel statistics and scores at scoring steps,
 * identification, masks), {@code pruned check} (the pruned rows verified zero, when the masks
 * change), {@code snapshot} (CRIC's copies), {@code clear pruned rows} (gradients and state of the
 * pruned rows), {@code direction} (the update variant's direction and the parameter update), {@code
 * masks and projection} (the row multipliers of the period), {@code clear gradient}.
 *
 * <p>Times are wall-clock around the engine calls of each phase. On the CPU the PyTorch engine runs
 * each call before returning, so the times are the phases'; on a GPU, kernels run asynchronously
 * and a phase's time can land in a later one.
 *
 * @param steps the steps timed
 * @param byPhase the total time of each phase, in step order
 */
public record StepTimings(int steps, Map<String, Duration> byPhase) {

    /**
     * Copies and validates.
     *
     * @param steps at least 0
     * @param byPhase not null
     */
    public StepTimings {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        byPhase = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(byPhase)));
    }

    /**
     * Returns the total over every phase.
     *
     * @return the sum
     */
    public Duration total() {
        return byPhase.values().stream().reduce(Duration.ZERO, Duration::plus);
    }
}
