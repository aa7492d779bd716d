package ai.hesso.core.variant;

/** The optimizer whose direction HESSO uses. */
public enum Variant {
    /** SGD with optional momentum and dampening, L2 weight decay added to the gradient. */
    SGD,
    /** Adam with zero-initialised moments, L2 weight decay added to the gradient. */
    ADAM,
    /** Adam with decoupled weight decay {@code x <- x - lr * wd * x}. */
    ADAMW
}
