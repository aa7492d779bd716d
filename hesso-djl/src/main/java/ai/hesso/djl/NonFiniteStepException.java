package ai.hesso.djl;

/**
 * Thrown when a step's loss or gradient is not finite and the {@link NonFinitePolicy} says to stop:
 * at once with {@link NonFinitePolicy#FAIL}, or after too many consecutive skipped steps ({@link
 * HessoOptimizer.Builder#optMaxConsecutiveSkips}). No tensor of the step was touched.
 */
public final class NonFiniteStepException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** The step that was not taken. */
    private final int step;

    /** The loss or the parameter whose gradient was not finite. */
    private final String offender;

    NonFiniteStepException(String message, int step, String offender) {
        super(message);
        this.step = step;
        this.offender = offender;
    }

    /**
     * Returns the step that was not taken (1-based, counting applied steps only).
     *
     * @return the step
     */
    public int step() {
        return step;
    }

    /**
     * Returns what was not finite: {@code the loss} or a parameter's path.
     *
     * @return the first offending value
     */
    public String offender() {
        return offender;
    }
}
