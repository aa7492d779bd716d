package ai.hesso.core.group;

/**
 * Where the channels of a member tensor lie.
 *
 * <p>A member tensor is viewed as an {@code n x m} matrix, one row per channel: with {@link #FIRST}
 * it is reshaped to {@code (n, -1)}; with {@link #SECOND} (a transposed convolution weight, whose
 * out-channels are on axis 1) axis 1 is moved to the front first.
 */
public enum ChannelAxis {
    /** Channels on axis 0: Linear and Conv weights, biases, norm gamma and beta. */
    FIRST(0),
    /** Channels on axis 1: transposed convolution weights. */
    SECOND(1);

    private final int index;

    ChannelAxis(int index) {
        this.index = index;
    }

    /**
     * Returns the tensor axis that holds the channels.
     *
     * @return 0 or 1
     */
    public int index() {
        return index;
    }

    /**
     * Returns the axis for a tensor axis number.
     *
     * @param axis 0 or 1
     * @return the matching axis
     * @throws IllegalArgumentException if {@code axis} is neither 0 nor 1
     */
    public static ChannelAxis of(int axis) {
        for (ChannelAxis value : values()) {
            if (value.index == axis) {
                return value;
            }
        }
        throw new IllegalArgumentException(
                "channel axis must be 0 (out-channels first) or 1 (transposed conv), got " + axis);
    }
}
