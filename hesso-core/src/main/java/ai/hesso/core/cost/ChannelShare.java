package ai.hesso.core.cost;

import java.util.Objects;

/**
 * The part of a layer's width that follows one node group: each kept channel of {@code group}
 * contributes {@code columnsPerChannel} to the width (1 for a convolution's input channels, {@code
 * H * W} for a linear layer reading a flattened {@code C x H x W} map).
 *
 * @param group the node group name
 * @param columnsPerChannel width per kept channel, at least 1
 */
public record ChannelShare(String group, long columnsPerChannel) {

    /**
     * Validates the share.
     *
     * @param group the node group name, not blank
     * @param columnsPerChannel at least 1
     */
    public ChannelShare {
        Objects.requireNonNull(group, "group");
        if (group.isBlank() || columnsPerChannel < 1) {
            throw new IllegalArgumentException(
                    "a channel share needs a group name and columnsPerChannel >= 1, got '"
                            + group
                            + "' and "
                            + columnsPerChannel);
        }
    }
}
