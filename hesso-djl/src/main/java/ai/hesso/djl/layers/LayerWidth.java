package ai.hesso.djl.layers;

import java.util.Objects;

/**
 * The width of one rebuilt layer: a linear layer's units, or a convolution's filters and groups.
 * Norms, lambdas and containers take their width from their input and need none. A {@link
 * LayerSupport} records it with {@link LayerSupport#width} and reads it back in {@link
 * LayerSupport#rebuild} ({@link RebuildContext#width}); a compact model's {@code compact.json}
 * stores it.
 *
 * @param path the block path
 * @param kind the layer class's simple name ({@code Linear}, {@code Conv2d}, ...)
 * @param width the units or filters, at least 1
 * @param groups the convolution groups (1 for linear layers), at least 1
 */
public record LayerWidth(String path, String kind, long width, int groups) {

    /**
     * Validates the width.
     *
     * @param path the block path, not null
     * @param kind the layer kind, not null
     * @param width the units or filters, at least 1
     * @param groups the groups, at least 1
     */
    public LayerWidth {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kind, "kind");
        if (width < 1 || groups < 1) {
            throw new IllegalArgumentException(
                    "layer "
                            + path
                            + " needs width >= 1 and groups >= 1, got width="
                            + width
                            + ", groups="
                            + groups);
        }
    }
}
