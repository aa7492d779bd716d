package ai.hesso.core.cost;

import java.util.List;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * A layer's input or output width as an affine function of kept channels: {@code fixed + sum over
 * shares of columnsPerChannel * kept(group)}. A convolution's output width is one share of its own
 * node group; its input width is one share per node group it reads (several after a concatenation),
 * plus a fixed part for inputs no prunable group feeds (the image channels).
 *
 * @param fixed the width no node group changes, at least 0
 * @param shares the parts that follow node groups
 */
public record Width(long fixed, List<ChannelShare> shares) {

    /**
     * Validates and copies.
     *
     * @param fixed at least 0
     * @param shares the shares, not null
     */
    public Width {
        shares = List.copyOf(Objects.requireNonNull(shares, "shares"));
        if (fixed < 0) {
            throw new IllegalArgumentException("a width's fixed part must be >= 0, got " + fixed);
        }
        if (fixed == 0 && shares.isEmpty()) {
            throw new IllegalArgumentException("a width needs a fixed part or a share");
        }
    }

    /**
     * A width no node group changes.
     *
     * @param width at least 1
     * @return the width
     */
    public static Width fixed(long width) {
        return new Width(width, List.of());
    }

    /**
     * A width that is exactly the kept channels of one node group.
     *
     * @param group the node group name
     * @return the width
     */
    public static Width of(String group) {
        return new Width(0, List.of(new ChannelShare(group, 1)));
    }

    /**
     * Evaluates the width.
     *
     * @param keptChannels the kept width of each node group, by name
     * @return {@code fixed + sum columnsPerChannel * kept(group)}
     */
    public long at(ToIntFunction<String> keptChannels) {
        long width = fixed;
        for (ChannelShare share : shares) {
            width += share.columnsPerChannel() * keptChannels.applyAsInt(share.group());
        }
        return width;
    }
}
