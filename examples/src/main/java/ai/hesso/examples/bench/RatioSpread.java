package ai.hesso.examples.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One comparison's ratio over repeated runs of {@code hesso bench}: the median of the runs' ratios,
 * which the verdict uses, and their spread (lowest to highest), which says how far one run can be
 * trusted on this machine.
 *
 * @param ratios each run's median paired ratio, in run order
 */
public record RatioSpread(double[] ratios) {

    /**
     * Copies the ratios.
     *
     * @param ratios each run's ratio, at least one, each finite
     * @throws IllegalArgumentException when there is none or one is not finite
     */
    public RatioSpread {
        if (ratios.length == 0) {
            throw new IllegalArgumentException("a spread needs at least one run's ratio");
        }
        for (double r : ratios) {
            if (!Double.isFinite(r)) {
                throw new IllegalArgumentException(
                        "every run's ratio must be finite, got " + Arrays.toString(ratios));
            }
        }
        ratios = ratios.clone();
    }

    /**
     * Returns the runs' ratios, in run order.
     *
     * @return a copy
     */
    @Override
    public double[] ratios() {
        return ratios.clone();
    }

    /**
     * Returns the median of the runs' ratios.
     *
     * @return the median (the mean of the middle two for an even count)
     */
    public double median() {
        return StepBench.Result.median(ratios);
    }

    /**
     * Returns the lowest run's ratio.
     *
     * @return the minimum
     */
    public double lowest() {
        return Arrays.stream(ratios).min().orElseThrow();
    }

    /**
     * Returns the highest run's ratio.
     *
     * @return the maximum
     */
    public double highest() {
        return Arrays.stream(ratios).max().orElseThrow();
    }

    /**
     * Describes the spread for the benchmark's summary.
     *
     * @return e.g. {@code median 1.031 of 3 runs (1.012 to 1.047: 1.031, 1.012, 1.047)}
     */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "median %.3f of %d runs (%.3f to %.3f: %s)",
                median(),
                ratios.length,
                lowest(),
                highest(),
                Arrays.stream(ratios)
                        .mapToObj(r -> String.format(Locale.ROOT, "%.3f", r))
                        .collect(Collectors.joining(", ")));
    }

    /** {@inheritDoc} */
    @Override
    public boolean equals(Object other) {
        return other instanceof RatioSpread s && Arrays.equals(ratios, s.ratios);
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        return Arrays.hashCode(ratios);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return describe();
    }
}
