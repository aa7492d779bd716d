package ai.hesso.core.schedule;

/**
 * The linear projection of redundant rows towards zero over a window of {@code length} steps.
 *
 * <p>At offset {@code t} in the window the rows are multiplied by {@code (length - t - 1) / (length
 * - t)}. Applied at offsets {@code t0, ..., length - 1}, the factors multiply to exactly {@code 0},
 * since the last one is {@code 0 / 1}; in between a row keeps {@code (length - t - 1) / (length -
 * t0)} of its value, a straight line to zero.
 */
public final class Projection {

    private Projection() {}

    /**
     * Returns the factor for offset {@code t} of a window.
     *
     * @param length the window length, at least 1
     * @param t the offset, in {@code [0, length)}
     * @return {@code (length - t - 1) / (length - t)}
     * @throws IllegalArgumentException if {@code t} is outside the window
     */
    public static double factor(int length, int t) {
        if (length < 1 || t < 0 || t >= length) {
            throw new IllegalArgumentException(
                    "projection offset must be in [0, " + length + "), got " + t);
        }
        return (length - t - 1.0) / (length - t);
    }
}
