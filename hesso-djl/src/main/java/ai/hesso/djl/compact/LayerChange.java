package ai.hesso.djl.compact;

import java.util.Objects;

/**
 * One layer before and after compaction.
 *
 * @param before the layer's cost in the original model
 * @param after the same layer (same path) in the compact model; its kind may differ when compaction
 *     rebuilt the block as another class (an attention block with fewer heads)
 */
public record LayerChange(LayerCost before, LayerCost after) {

    /**
     * Checks that both sides describe the same layer.
     *
     * @param before the original layer
     * @param after the compact layer
     */
    public LayerChange {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        if (!before.path().equals(after.path())) {
            throw new IllegalArgumentException(
                    "layer change pairs "
                            + before.path()
                            + " ("
                            + before.kind()
                            + ") with "
                            + after.path()
                            + " ("
                            + after.kind()
                            + ")");
        }
    }

    /**
     * Returns the block path.
     *
     * @return the path both sides share
     */
    public String path() {
        return before.path();
    }

    /**
     * Returns the layer kind.
     *
     * @return the layer class's simple name, or {@code before->after} when compaction rebuilt the
     *     block as another class
     */
    public String kind() {
        return before.kind().equals(after.kind())
                ? before.kind()
                : before.kind() + "->" + after.kind();
    }
}
