package ai.hesso.core.saliency;

import java.util.Arrays;
import java.util.Objects;

/**
 * Per-channel reductions of the values {@code x} and the update direction {@code d} over all member
 * tensors of each prunable channel, as the engine computes them. Index {@code i} is the global
 * channel index of {@link ai.hesso.core.group.ChannelIndex}.
 *
 * <p>For channel {@code i} with rows {@code x_t[i]} and {@code d_t[i]} in member tensors {@code t}:
 *
 * <ul>
 *   <li>{@code valueSquares[i] = sum_t ||x_t[i]||^2}
 *   <li>{@code directionSquares[i] = sum_t ||d_t[i]||^2}
 *   <li>{@code valueDirectionDot[i] = sum_t <x_t[i], d_t[i]>}
 *   <li>{@code rowLengths[i] = sum_t m_t}, the row length of each member tensor
 * </ul>
 *
 * <p>The arrays are not copied: the engine hands over fresh arrays and the core only reads them.
 * Two statistics are equal when their arrays hold the same values.
 *
 * @param valueSquares sum of squared values per channel
 * @param directionSquares sum of squared direction entries per channel
 * @param valueDirectionDot inner product of values and directions per channel
 * @param rowLengths total row length per channel
 */
public record ChannelStatistics(
        double[] valueSquares,
        double[] directionSquares,
        double[] valueDirectionDot,
        double[] rowLengths) {

    /**
     * Checks that all four arrays are present and of equal length.
     *
     * @param valueSquares sum of squared values per channel
     * @param directionSquares sum of squared direction entries per channel
     * @param valueDirectionDot inner product of values and directions per channel
     * @param rowLengths total row length per channel
     */
    public ChannelStatistics {
        Objects.requireNonNull(valueSquares, "valueSquares");
        Objects.requireNonNull(directionSquares, "directionSquares");
        Objects.requireNonNull(valueDirectionDot, "valueDirectionDot");
        Objects.requireNonNull(rowLengths, "rowLengths");
        int n = valueSquares.length;
        if (directionSquares.length != n
                || valueDirectionDot.length != n
                || rowLengths.length != n) {
            throw new IllegalArgumentException(
                    "channel statistics must all have one entry per channel, got lengths "
                            + n
                            + ", "
                            + directionSquares.length
                            + ", "
                            + valueDirectionDot.length
                            + ", "
                            + rowLengths.length);
        }
    }

    /**
     * Returns the number of channels.
     *
     * @return N
     */
    public int size() {
        return valueSquares.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelStatistics c
                && Arrays.equals(valueSquares, c.valueSquares)
                && Arrays.equals(directionSquares, c.directionSquares)
                && Arrays.equals(valueDirectionDot, c.valueDirectionDot)
                && Arrays.equals(rowLengths, c.rowLengths);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                Arrays.hashCode(valueSquares),
                Arrays.hashCode(directionSquares),
                Arrays.hashCode(valueDirectionDot),
                Arrays.hashCode(rowLengths));
    }
}
