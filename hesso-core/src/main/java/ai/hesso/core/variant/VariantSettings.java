package ai.hesso.core.variant;

import ai.hesso.core.SettingsFingerprint;
import java.util.Objects;

/**
 * The settings of an update variant.
 *
 * @param variant which variant
 * @param momentum SGD's momentum {@code mu} in {@code [0, 1)}
 * @param dampening SGD's dampening {@code tau} in {@code [0, 1]}
 * @param beta1 Adam's first-moment decay in {@code [0, 1)}
 * @param beta2 Adam's second-moment decay in {@code [0, 1)}
 * @param epsilon Adam's {@code eps} ({@code 1e-8} by the spec), positive
 * @param weightDecay the weight decay {@code wd}, at least 0
 */
public record VariantSettings(
        Variant variant,
        double momentum,
        double dampening,
        double beta1,
        double beta2,
        double epsilon,
        double weightDecay) {

    /**
     * Validates the settings.
     *
     * @param variant which variant
     * @param momentum in {@code [0, 1)}
     * @param dampening in {@code [0, 1]}
     * @param beta1 in {@code [0, 1)}
     * @param beta2 in {@code [0, 1)}
     * @param epsilon positive and finite
     * @param weightDecay finite, at least 0
     */
    public VariantSettings {
        Objects.requireNonNull(variant, "variant");
        inRange("momentum", momentum, 0, 1, false);
        inRange("dampening", dampening, 0, 1, true);
        inRange("beta1", beta1, 0, 1, false);
        inRange("beta2", beta2, 0, 1, false);
        if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException(
                    "epsilon must be positive and finite, got " + epsilon);
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException(
                    "weightDecay must be finite and >= 0, got " + weightDecay);
        }
    }

    /**
     * SGD settings.
     *
     * @param momentum in {@code [0, 1)}
     * @param dampening in {@code [0, 1]}
     * @param weightDecay at least 0
     * @return the settings
     */
    public static VariantSettings sgd(double momentum, double dampening, double weightDecay) {
        return new VariantSettings(Variant.SGD, momentum, dampening, 0.9, 0.999, 1e-8, weightDecay);
    }

    /**
     * Adam or AdamW settings with {@code eps = 1e-8}.
     *
     * @param variant {@link Variant#ADAM} or {@link Variant#ADAMW}
     * @param beta1 in {@code [0, 1)}
     * @param beta2 in {@code [0, 1)}
     * @param weightDecay at least 0
     * @return the settings
     */
    public static VariantSettings adam(
            Variant variant, double beta1, double beta2, double weightDecay) {
        if (variant == Variant.SGD) {
            throw new IllegalArgumentException("adam(..) takes ADAM or ADAMW, got SGD");
        }
        return new VariantSettings(variant, 0, 0, beta1, beta2, 1e-8, weightDecay);
    }

    /**
     * Whether SGD keeps a momentum buffer ({@code mu > 0} or {@code tau > 0}).
     *
     * @return true when a buffer is needed
     */
    public boolean usesMomentumBuffer() {
        return variant == Variant.SGD && (momentum > 0 || dampening > 0);
    }

    /**
     * Returns these settings as named values, for checkpoints: {@code variant.kind} and {@code
     * variant.<setting>} for each component.
     *
     * @return the fingerprint
     */
    public SettingsFingerprint fingerprint() {
        return SettingsFingerprint.builder()
                .add("variant.kind", variant.name())
                .add("variant.momentum", momentum)
                .add("variant.dampening", dampening)
                .add("variant.beta1", beta1)
                .add("variant.beta2", beta2)
                .add("variant.epsilon", epsilon)
                .add("variant.weightDecay", weightDecay)
                .build();
    }

    private static void inRange(String name, double value, double lo, double hi, boolean closed) {
        boolean ok = value >= lo && (closed ? value <= hi : value < hi);
        if (!ok) {
            throw new IllegalArgumentException(
                    name
                            + " must be in ["
                            + lo
                            + ", "
                            + hi
                            + (closed ? "]" : ")")
                            + ", got "
                            + value);
        }
    }
}
