package ai.hesso.core;

/**
 * How a period's quota of channels is spread over the prunable node groups.
 *
 * <p>{@link #GLOBAL} is the paper's HESSO: the lowest-saliency channels over all groups at once,
 * which tends to empty the cheap late layers and keep the expensive early ones. {@link #PER_GROUP}
 * takes the same fraction from every group ({@link ai.hesso.core.selection.GroupQuotas}), HESSO's
 * saliency choosing inside each group, as Torch-Pruning's default per-layer pruning does.
 */
public enum Allocation {
    /** The lowest scores over all prunable groups (the paper's HESSO, the default). */
    GLOBAL,
    /** The same fraction from every prunable group, the lowest scores within each. */
    PER_GROUP
}
