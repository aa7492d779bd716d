package ai.hesso.examples.zoo;

/** The verdict of one stage for one model. */
public enum Outcome {
    /** The stage did what it should, and its checks held. */
    PASS,
    /**
     * The library declined, with a precise reason (no prunable group, a block it cannot rebuild):
     * not a failure.
     */
    REFUSED,
    /** Not run, because an earlier stage passed nothing on to it; the detail says which. */
    SKIPPED,
    /** A wrong result, a crash or a check that did not hold: the sweep exits with status 1. */
    FAILED;

    /**
     * Returns the verdict as the table prints it.
     *
     * @return {@code pass}, {@code refused}, {@code skipped} or {@code FAILED}
     */
    public String label() {
        return this == FAILED ? "FAILED" : name().toLowerCase(java.util.Locale.ROOT);
    }
}
