package ai.hesso.core.saliency;

/**
 * The five built-in criteria of HESSO (spec section 3), computed from the values {@code x} and the
 * update direction {@code d} of each channel's rows.
 */
public enum Criterion implements SaliencyCriterion {
    /** {@code sqrt(sum_t ||x_t[i]||^2)}. */
    MAGNITUDE("magnitude") {
        @Override
        double score(ChannelStatistics s, int i) {
            return Math.sqrt(s.valueSquares()[i]);
        }
    },
    /** The magnitude divided by {@code (sum_t m_t + 1e-6)}. */
    AVERAGE_MAGNITUDE("avgMagnitude") {
        @Override
        double score(ChannelStatistics s, int i) {
            return Math.sqrt(s.valueSquares()[i]) / (s.rowLengths()[i] + 1e-6);
        }
    },
    /** {@code <x, d> / (||x|| + 1e-8) / (||d|| + 1e-8) + 1}, in {@code [0, 2]}. */
    COSINE("cosine") {
        @Override
        double score(ChannelStatistics s, int i) {
            double valueNorm = Math.sqrt(s.valueSquares()[i]);
            double directionNorm = Math.sqrt(s.directionSquares()[i]);
            return s.valueDirectionDot()[i] / (valueNorm + 1e-8) / (directionNorm + 1e-8) + 1.0;
        }
    },
    /** {@code |<x, d>|}. */
    TAYLOR_FIRST_ORDER("taylorFirstOrder") {
        @Override
        double score(ChannelStatistics s, int i) {
            return Math.abs(s.valueDirectionDot()[i]);
        }
    },
    /** {@code 0.5 * <x, d>^2}. */
    TAYLOR_SECOND_ORDER("taylorSecondOrder") {
        @Override
        double score(ChannelStatistics s, int i) {
            double dot = s.valueDirectionDot()[i];
            return 0.5 * dot * dot;
        }
    };

    private final String key;

    Criterion(String key) {
        this.key = key;
    }

    abstract double score(ChannelStatistics statistics, int channel);

    /** {@inheritDoc} */
    @Override
    public String key() {
        return key;
    }

    /** {@inheritDoc} */
    @Override
    public double[] score(ChannelStatistics statistics) {
        double[] scores = new double[statistics.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = score(statistics, i);
        }
        return scores;
    }

    /**
     * Returns the criterion for a configuration key such as {@code taylorFirstOrder}.
     *
     * @param key one of magnitude, avgMagnitude, cosine, taylorFirstOrder, taylorSecondOrder
     * @return the criterion
     * @throws IllegalArgumentException naming the valid keys
     */
    public static Criterion ofKey(String key) {
        for (Criterion criterion : values()) {
            if (criterion.key.equals(key)) {
                return criterion;
            }
        }
        throw new IllegalArgumentException(
                "unknown saliency criterion '"
                        + key
                        + "'; valid: magnitude, avgMagnitude, cosine, taylorFirstOrder,"
                        + " taylorSecondOrder");
    }
}
