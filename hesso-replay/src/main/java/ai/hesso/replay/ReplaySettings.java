package ai.hesso.replay;

import ai.hesso.core.HessoSettings;
import ai.hesso.core.saliency.SaliencyMix;
import ai.hesso.core.variant.Variant;
import ai.hesso.core.variant.VariantSettings;
import ai.hesso.djl.Hesso;
import ai.hesso.djl.HessoOptimizer;
import java.util.Objects;

/**
 * The optimizer section of a replay: the update variant (spec section 2) and the HESSO schedule
 * (sections 3, 4 and 6). Defaults, as {@link ReplayJson} applies them: momentum 0, dampening 0,
 * beta1 0.9, beta2 0.999, epsilon 1e-8, weight decay 0, target group sparsity 0.5, start pruning
 * step 0, one period, group divisible 1, saliency 0.2 for each criterion.
 *
 * @param variant SGD, ADAM or ADAMW
 * @param learningRate the constant learning rate, finite and at least 0
 * @param momentum SGD's momentum in {@code [0, 1)}
 * @param dampening SGD's dampening in {@code [0, 1]}
 * @param beta1 Adam's first-moment decay in {@code [0, 1)}
 * @param beta2 Adam's second-moment decay in {@code [0, 1)}
 * @param epsilon Adam's epsilon, positive
 * @param weightDecay the weight decay, at least 0
 * @param targetGroupSparsity the fraction of prunable channels to prune, in {@code [0, 1)}
 * @param startPruningStep the warm-up in steps, at least 0
 * @param pruningSteps the steps over which all periods run, at least {@code pruningPeriods}
 * @param pruningPeriods the number of periods, at least 1
 * @param groupDivisible the channel-count multiple, at least 1
 * @param saliency the saliency mix
 */
public record ReplaySettings(
        Variant variant,
        double learningRate,
        double momentum,
        double dampening,
        double beta1,
        double beta2,
        double epsilon,
        double weightDecay,
        double targetGroupSparsity,
        int startPruningStep,
        int pruningSteps,
        int pruningPeriods,
        int groupDivisible,
        SaliencyMix saliency) {

    /**
     * Validates every setting.
     *
     * @param variant SGD, ADAM or ADAMW
     * @param learningRate finite, at least 0
     * @param momentum in {@code [0, 1)}
     * @param dampening in {@code [0, 1]}
     * @param beta1 in {@code [0, 1)}
     * @param beta2 in {@code [0, 1)}
     * @param epsilon positive
     * @param weightDecay at least 0
     * @param targetGroupSparsity in {@code [0, 1)}
     * @param startPruningStep at least 0
     * @param pruningSteps at least {@code pruningPeriods}
     * @param pruningPeriods at least 1
     * @param groupDivisible at least 1
     * @param saliency the saliency mix
     * @throws IllegalArgumentException naming the bad setting and its valid range
     */
    public ReplaySettings {
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(saliency, "saliency");
        if (!(learningRate >= 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("lr must be finite and >= 0, got " + learningRate);
        }
        // both validate their ranges and name the setting; the fields are not assigned yet
        new VariantSettings(variant, momentum, dampening, beta1, beta2, epsilon, weightDecay);
        hessoSettings(
                targetGroupSparsity,
                startPruningStep,
                pruningSteps,
                pruningPeriods,
                groupDivisible,
                saliency);
    }

    /**
     * Returns the update variant's settings, weight decay included, in double precision.
     *
     * @return the variant settings the optimizer is built with
     */
    public VariantSettings variantSettings() {
        return new VariantSettings(
                variant, momentum, dampening, beta1, beta2, epsilon, weightDecay);
    }

    /**
     * Starts the optimizer's builder for the recorded variant, its settings given as a user gives
     * them ({@code Hesso.sgd().optMomentum(..)}, {@code Hesso.adam().optBeta1(..)}, ...).
     *
     * @return the builder
     */
    public HessoOptimizer.Builder optimizerBuilder() {
        return switch (variant) {
            case SGD ->
                    Hesso.sgd()
                            .optMomentum(momentum)
                            .optDampening(dampening)
                            .optWeightDecay(weightDecay);
            case ADAM, ADAMW ->
                    (variant == Variant.ADAM ? Hesso.adam() : Hesso.adamW())
                            .optBeta1(beta1)
                            .optBeta2(beta2)
                            .optEpsilon(epsilon)
                            .optWeightDecay(weightDecay);
        };
    }

    /**
     * Returns the HESSO settings.
     *
     * @return the schedule, target and saliency settings
     */
    public HessoSettings hessoSettings() {
        return hessoSettings(
                targetGroupSparsity,
                startPruningStep,
                pruningSteps,
                pruningPeriods,
                groupDivisible,
                saliency);
    }

    private static HessoSettings hessoSettings(
            double targetGroupSparsity,
            int startPruningStep,
            int pruningSteps,
            int pruningPeriods,
            int groupDivisible,
            SaliencyMix saliency) {
        return HessoSettings.builder()
                .optTargetGroupSparsity(targetGroupSparsity)
                .optStartPruningStep(startPruningStep)
                .setPruningSteps(pruningSteps)
                .optPruningPeriods(pruningPeriods)
                .optGroupDivisible(groupDivisible)
                .optSaliency(saliency)
                .build();
    }
}
