package ai.hesso.examples.zoo;

/** The stages of the zoo sweep, in the order one model goes through them. */
public enum ZooStage {
    /** Node-group discovery and the zero-invariance sanity check of the prunable groups. */
    DISCOVER,
    /** HESSO training with tiny periods until pruning completes; pruned rows checked zero. */
    TRAIN,
    /** {@code hesso.compact()}: the architecture without the pruned channels. */
    COMPACT,
    /** Compact versus zeroed model outputs on random inputs, within the tolerance. */
    COMPARE,
    /** {@code CompactModel.save}. */
    SAVE,
    /** {@code CompactModels.load} into a fresh architecture; outputs equal the compact model's. */
    LOAD,
    /** A checkpoint inside a pruning period resumed by new objects ends bit for bit the same. */
    RESUME;

    /**
     * Returns the stage's name as the table prints it.
     *
     * @return the lower-case name
     */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
