package ai.hesso.core;

import ai.hesso.core.identification.IdentificationState;
import java.util.Objects;

/**
 * Everything {@link HessoDriver} decides from, as one value: the step counter and the
 * identification's state (channel states, target, CRIC's collections). Together with the run's
 * settings and node groups it restores a driver exactly ({@link HessoDriver#HessoDriver(
 * HessoSettings, java.util.List, DriverState)}); it is what an optimizer checkpoint stores of the
 * core. The engine's own state (momentum, moments, snapshots) is not part of it.
 *
 * @param step the number of steps planned so far
 * @param identification the identification's state
 */
public record DriverState(int step, IdentificationState identification) {

    /**
     * Validates.
     *
     * @param step at least 0
     * @param identification not null
     */
    public DriverState {
        Objects.requireNonNull(identification, "identification");
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
    }
}
