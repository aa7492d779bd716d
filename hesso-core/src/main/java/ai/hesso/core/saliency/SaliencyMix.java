package ai.hesso.core.saliency;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The overall saliency score: a weighted sum of normalised criteria.
 *
 * <p>Each criterion {@code c} is normalised over all {@code N} prunable channels of the model,
 * {@code s_c,i / (sqrt(1e-8 + sum_j s_c,j^2) + 1e-8)}, and the overall score is {@code sum_c w_c *
 * normalised s_c,i}. Lower means more redundant. The default mix weighs each of the five built-in
 * criteria by 0.2.
 */
public final class SaliencyMix {

    private final Map<SaliencyCriterion, Double> weights;

    private SaliencyMix(Map<SaliencyCriterion, Double> weights) {
        this.weights = weights;
    }

    /**
     * The default mix: 0.2 for each built-in criterion.
     *
     * @return the mix
     */
    public static SaliencyMix defaults() {
        Map<SaliencyCriterion, Double> weights = new LinkedHashMap<>();
        for (Criterion criterion : Criterion.values()) {
            weights.put(criterion, 0.2);
        }
        return of(weights);
    }

    /**
     * Only the first-order Taylor criterion.
     *
     * @return the mix
     */
    public static SaliencyMix taylorOnly() {
        return of(Map.of(Criterion.TAYLOR_FIRST_ORDER, 1.0));
    }

    /**
     * A custom mix. Criteria with weight 0 are dropped.
     *
     * @param weights the weight of each criterion: finite, non-negative, not all zero
     * @return the mix
     * @throws IllegalArgumentException naming the bad weight
     */
    public static SaliencyMix of(Map<? extends SaliencyCriterion, Double> weights) {
        Objects.requireNonNull(weights, "weights");
        Map<SaliencyCriterion, Double> kept = new LinkedHashMap<>();
        for (Map.Entry<? extends SaliencyCriterion, Double> entry : weights.entrySet()) {
            double weight = Objects.requireNonNull(entry.getValue(), "weight");
            String key = entry.getKey().key();
            if (!Double.isFinite(weight) || weight < 0) {
                throw new IllegalArgumentException(
                        "saliency weight of '" + key + "' must be finite and >= 0, got " + weight);
            }
            if (weight > 0) {
                kept.put(entry.getKey(), weight);
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException(
                    "saliency weights are all zero; give at least one criterion a positive weight");
        }
        return new SaliencyMix(Collections.unmodifiableMap(kept));
    }

    /**
     * Returns the criteria with a positive weight and their weights, in insertion order.
     *
     * @return an unmodifiable map
     */
    public Map<SaliencyCriterion, Double> weights() {
        return weights;
    }

    /**
     * Computes the overall score of every channel.
     *
     * @param statistics the engine's per-channel reductions over all N prunable channels
     * @return a new array of N scores
     */
    public double[] score(ChannelStatistics statistics) {
        double[] overall = new double[statistics.size()];
        for (Map.Entry<SaliencyCriterion, Double> entry : weights.entrySet()) {
            double[] raw = entry.getKey().score(statistics);
            double scale = entry.getValue() / normalisationDenominator(raw);
            for (int i = 0; i < overall.length; i++) {
                overall[i] += raw[i] * scale;
            }
        }
        return overall;
    }

    /**
     * Returns {@code sqrt(1e-8 + sum_j s_j^2) + 1e-8}, the normaliser of one criterion.
     *
     * @param raw the raw scores of one criterion over all channels
     * @return the normaliser, always positive
     */
    static double normalisationDenominator(double[] raw) {
        double sumOfSquares = 1e-8;
        for (double value : raw) {
            sumOfSquares += value * value;
        }
        return Math.sqrt(sumOfSquares) + 1e-8;
    }

    /**
     * Describes the mix, e.g. {@code magnitude=0.2, cosine=0.8}.
     *
     * @return the description
     */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        weights.forEach((criterion, weight) -> parts.add(criterion.key() + "=" + weight));
        return String.join(", ", parts);
    }
}
