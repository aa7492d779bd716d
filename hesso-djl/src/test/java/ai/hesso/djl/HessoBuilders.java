package ai.hesso.djl;

import ai.hesso.core.variant.VariantSettings;

/**
 * For tests that hold an update variant as a value: the builder {@link Hesso#sgd()}, {@link
 * Hesso#adam()} or {@link Hesso#adamW()} with each of its settings given, as a user would write it.
 */
public final class HessoBuilders {

    private HessoBuilders() {}

    /**
     * Starts the builder for a variant's settings.
     *
     * @param variant the settings
     * @return the builder with the variant's settings given
     */
    public static HessoOptimizer.Builder of(VariantSettings variant) {
        return switch (variant.variant()) {
            case SGD ->
                    Hesso.sgd()
                            .optMomentum(variant.momentum())
                            .optDampening(variant.dampening())
                            .optWeightDecay(variant.weightDecay());
            case ADAM, ADAMW ->
                    (variant.variant() == ai.hesso.core.variant.Variant.ADAM
                                    ? Hesso.adam()
                                    : Hesso.adamW())
                            .optBeta1(variant.beta1())
                            .optBeta2(variant.beta2())
                            .optEpsilon(variant.epsilon())
                            .optWeightDecay(variant.weightDecay());
        };
    }
}
