package ai.hesso.examples.bench.accuracy;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The training methods compared by {@code hesso bench accuracy}; every one uses SGD with momentum,
 * the same learning-rate schedule and the same batches.
 */
public enum Method {
    /** DJL's SGD, no pruning. */
    DENSE("dense", "reference: no pruning"),
    /** HESSO-SGD with its default schedule (warm-up a tenth, periods until three tenths). */
    HESSO("hesso", "HESSO, global saliency ranking to a channel count"),
    /** HESSO-SGD with CRIC's corrective cycles in place of the periods. */
    HESSO_CRIC("hesso-cric", "HESSO with CRIC's cycles, to a channel count"),
    /**
     * HESSO-SGD with a MAC budget ({@code optTargetMacs}) in place of the group sparsity. In {@code
     * bench accuracy} the budget is the compact MACs fraction that {@link #HESSO} reached at the
     * same target, model and seed, so the two rows cost the same and differ in which channels they
     * keep; in {@code bench frontier} it is the trial's budget.
     */
    HESSO_MACS("hesso-macs", "HESSO global with a MAC budget (optTargetMacs)"),
    /**
     * HESSO-SGD with the trial's MAC budget and group floors and caps ({@code
     * optGroupSparsityBounds}) around the per-layer fraction {@code f} that meets the same budget:
     * every node group loses between {@code f / 2} and {@code (1 + f) / 2} of its channels, the MAC
     * walk (saliency per MAC saved) choosing within that band ({@code bench frontier} only).
     */
    HESSO_MACS_BANDED(
            "hesso-macs-banded",
            "HESSO with the MAC budget, every group losing between f/2 and (1+f)/2 of its channels"
                    + " (f: the per-group fraction)"),
    /**
     * HESSO-SGD at the same group sparsity with {@code Allocation.PER_GROUP}: every node group
     * loses the same fraction, HESSO's saliency choosing inside each (Torch-Pruning's per-layer
     * rule with HESSO's criterion and periods).
     */
    HESSO_PER_GROUP(
            "hesso-per-group",
            "HESSO, Allocation.PER_GROUP: the same fraction from every group, saliency inside"),
    /**
     * DJL's SGD; the lowest group-L2 channels removed in one shot where HESSO's periods end, then
     * fine-tuned with the removed rows kept zero (Torch-Pruning's default pipeline).
     */
    ONESHOT_L2("oneshot-l2", "group L2, global ranking, one shot, fine-tune"),
    /** As {@link #ONESHOT_L2}, but in five removals over HESSO's pruning window. */
    ITERATIVE_L2("iterative-l2", "group L2, global ranking, iterative, fine-tune"),
    /**
     * As {@link #ITERATIVE_L2}, ranking within each node group: every group loses the same fraction
     * (Torch-Pruning's default, {@code global_pruning=False}).
     */
    ITERATIVE_L2_PER_GROUP(
            "iterative-l2-per-group",
            "group L2, same fraction from every group, iterative, fine-tune (TP"
                    + " global_pruning=False)"),
    /** As {@link #ONESHOT_L2}, with channels chosen uniformly at random (seeded). */
    RANDOM("random", "random channels, global, one shot, fine-tune"),
    /** The compact architecture HESSO found at the same sparsity, re-initialized, DJL's SGD. */
    SCRATCH("scratch", "HESSO's compact architecture trained from scratch"),
    /**
     * As {@link #ITERATIVE_L2_PER_GROUP} in one shot where HESSO's periods end ({@code bench
     * frontier} only).
     */
    ONESHOT_L2_PER_GROUP(
            "oneshot-l2-per-group",
            "group L2, same fraction from every group, one shot, fine-tune (TP"
                    + " global_pruning=False)"),
    /**
     * Random channels, the same fraction from every node group, in one shot where HESSO's periods
     * end, then fine-tuned ({@code bench frontier} only).
     */
    RANDOM_PER_GROUP(
            "random-per-group",
            "random channels, same fraction from every group, one shot," + " fine-tune"),
    /**
     * The per-layer compact architecture (the same fraction from every node group) trained from
     * scratch with DJL's SGD ({@code bench frontier} only).
     */
    SCRATCH_PER_GROUP("scratch-per-group", "per-layer compact architecture trained from scratch"),
    /**
     * Torch-Pruning's global pruner to a MAC budget: squared group magnitude ({@code p=2}, {@code
     * bias=False}) normalised by each group's mean ({@code normalizer='mean'}), ranked over all
     * groups, five removals over HESSO's window each extending the ranking until the cost model
     * meets a linearly falling MAC goal, then fine-tuned ({@code bench frontier} only).
     */
    ITERATIVE_L2_GLOBAL_NORM(
            "iterative-l2-global-norm",
            "group L2^2 normalised by group mean, global ranking to the MAC budget, iterative,"
                    + " fine-tune (TP global_pruning=True)");

    private final String label;
    private final String rule;

    Method(String label, String rule) {
        this.label = label;
        this.rule = rule;
    }

    /**
     * Returns how the method reaches its target, in words, for the {@code rule} field of a row.
     *
     * @return e.g. {@code HESSO global with a MAC budget (optTargetMacs)}
     */
    public String rule() {
        return rule;
    }

    /**
     * Returns whether the method takes the same fraction from every node group, at a count given
     * per trial ({@code bench frontier} finds it from the MAC budget).
     *
     * @return true for the per-group methods
     */
    public boolean perGroup() {
        return this == HESSO_PER_GROUP
                || this == ITERATIVE_L2_PER_GROUP
                || this == ONESHOT_L2_PER_GROUP
                || this == RANDOM_PER_GROUP
                || this == SCRATCH_PER_GROUP;
    }

    /**
     * Returns whether the method exists only in {@code bench frontier}.
     *
     * @return true for the methods {@code bench accuracy} does not run
     */
    public boolean frontierOnly() {
        return this == HESSO_MACS_BANDED
                || this == ONESHOT_L2_PER_GROUP
                || this == RANDOM_PER_GROUP
                || this == SCRATCH_PER_GROUP
                || this == ITERATIVE_L2_GLOBAL_NORM;
    }

    /**
     * Returns whether the method trains with HESSO's optimizer (its rows carry a step time ratio to
     * dense).
     *
     * @return true for the HESSO methods
     */
    public boolean hesso() {
        return this == HESSO
                || this == HESSO_CRIC
                || this == HESSO_MACS
                || this == HESSO_MACS_BANDED
                || this == HESSO_PER_GROUP;
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
