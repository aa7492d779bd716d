package ai.hesso.examples.bench.accuracy;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The training methods compared by {@code hesso bench accuracy}; every one uses SGD with momentum,
 * the same learning-rate schedule and the same batches.
 */
public enum Method {
    /** DJL's SGD, no pruning. */
    DENSE("dense"),
    /** HESSO-SGD with its default schedule (warm-up a tenth, periods until three tenths). */
    HESSO("hesso"),
    /** HESSO-SGD with CRIC's corrective cycles in place of the periods. */
    HESSO_CRIC("hesso-cric"),
    /**
     * HESSO-SGD with a MAC budget ({@code optTargetMacs}) in place of the group sparsity: the
     * budget is the compact MACs fraction that {@link #HESSO} reached at the same target, model and
     * seed, so the two rows cost the same and differ in which channels they keep.
     */
    HESSO_MACS("hesso-macs"),
    /**
     * HESSO-SGD at the same group sparsity with {@code Allocation.PER_GROUP}: every node group
     * loses the same fraction, HESSO's saliency choosing inside each (Torch-Pruning's per-layer
     * rule with HESSO's criterion and periods).
     */
    HESSO_PER_GROUP("hesso-per-group"),
    /**
     * DJL's SGD; the lowest group-L2 channels removed in one shot where HESSO's periods end, then
     * fine-tuned with the removed rows kept zero (Torch-Pruning's default pipeline).
     */
    ONESHOT_L2("oneshot-l2"),
    /** As {@link #ONESHOT_L2}, but in five removals over HESSO's pruning window. */
    ITERATIVE_L2("iterative-l2"),
    /**
     * As {@link #ITERATIVE_L2}, ranking within each node group: every group loses the same fraction
     * (Torch-Pruning's default, {@code global_pruning=False}).
     */
    ITERATIVE_L2_PER_GROUP("iterative-l2-per-group"),
    /** As {@link #ONESHOT_L2}, with channels chosen uniformly at random (seeded). */
    RANDOM("random"),
    /** The compact architecture HESSO found at the same sparsity, re-initialized, DJL's SGD. */
    SCRATCH("scratch");

    private final String label;

    Method(String label) {
        this.label = label;
    }

    /**
     * Returns the name used in {@code results.json} and on the command line.
     *
     * @return e.g. {@code hesso-cric}
     */
    public String label() {
        return label;
    }

    /**
     * Returns whether the method removes channels (every method but {@link #DENSE}).
     *
     * @return true when the method has a target sparsity
     */
    public boolean prunes() {
        return this != DENSE;
    }

    /**
     * Looks a method up by its label.
     *
     * @param label e.g. {@code oneshot-l2}
     * @return the method
     * @throws IllegalArgumentException naming the valid labels
     */
    public static Method of(String label) {
        for (Method m : values()) {
            if (m.label.equals(label)) {
                return m;
            }
        }
        throw new IllegalArgumentException(
                "unknown method '"
                        + label
                        + "'; valid: "
                        + Arrays.stream(values())
                                .map(Method::label)
                                .collect(Collectors.joining(", ")));
    }
}
