package ai.hesso.core;

/** Where the optimizer is in its schedule. */
public enum Phase {
    /** Plain optimizer steps before pruning starts. */
    WARM_UP,
    /** Inside the HESSO pruning periods. */
    PRUNING,
    /** CRIC: probing each node group's loss sensitivity, no gradient updates. */
    CRIC_PROBE,
    /** CRIC: sampling saliency scores in corrective cycles. */
    CRIC_CYCLE,
    /** CRIC: projecting the voted redundant channels to zero while training. */
    CRIC_HYBRID,
    /** Pruning is done: pruned channels stay exactly zero, the rest keep training. */
    PRUNED
}
