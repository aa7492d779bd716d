package ai.hesso.djl;

import ai.hesso.core.variant.Variant;

/**
 * Static entry points, in DJL's style ({@code Optimizer.sgd().optMomentum(0.9f).build()}): {@code
 * Hesso.sgd()}, {@code Hesso.adam()} and {@code Hesso.adamW()} start a builder for that update
 * variant, whose settings ({@code optMomentum}, {@code optBeta1}, {@code optWeightDecay}, ...) are
 * given on the builder, in double precision.
 */
public final class Hesso {

    private Hesso() {}

    /**
     * Starts building a HESSO optimizer with SGD's direction: {@code optMomentum}, {@code
     * optDampening} and {@code optWeightDecay} (all 0 by default).
     *
     * @return a builder
     */
    public static HessoOptimizer.Builder sgd() {
        return new HessoOptimizer.Builder(Variant.SGD);
    }

    /**
     * Starts building a HESSO optimizer with Adam's direction (weight decay added to the gradient):
     * {@code optBeta1} (0.9), {@code optBeta2} (0.999), {@code optEpsilon} (1e-8) and {@code
     * optWeightDecay} (0).
     *
     * @return a builder
     */
    public static HessoOptimizer.Builder adam() {
        return new HessoOptimizer.Builder(Variant.ADAM);
    }

    /**
     * Starts building a HESSO optimizer with AdamW's direction (decoupled weight decay): the
     * settings of {@link #adam()}.
     *
     * @return a builder
     */
    public static HessoOptimizer.Builder adamW() {
        return new HessoOptimizer.Builder(Variant.ADAMW);
    }
}
