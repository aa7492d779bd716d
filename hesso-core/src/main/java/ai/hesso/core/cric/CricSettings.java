package ai.hesso.core.cric;

import java.util.Arrays;

/**
 * Settings of the corrective redundant identification cycle.
 *
 * @param startCricStep the step at which CRIC takes its reference loss and snapshot, at least 1
 * @param samplingSteps the length {@code S} of each corrective cycle, at least 1
 * @param maxCycles the most cycles to run, at least 1
 * @param tolerance the cycles stop once a cycle's violating set has at most this many channels
 * @param hybridTrainingSteps the length {@code H} of the final projection, at least 1
 * @param trialSparsities the fractions of each node group zeroed by the probes, each in (0, 1)
 * @param lossWeight the weight of the loss-sensitivity term in the vote, finite and {@code >= 0}
 */
public record CricSettings(
        int startCricStep,
        int samplingSteps,
        int maxCycles,
        int tolerance,
        int hybridTrainingSteps,
        double[] trialSparsities,
        double lossWeight) {

    /**
     * Validates the settings and copies the sparsities.
     *
     * @param startCricStep the step of the snapshot, at least 1
     * @param samplingSteps the cycle length, at least 1
     * @param maxCycles the most cycles, at least 1
     * @param tolerance the violating-set size that ends the cycles, at least 0
     * @param hybridTrainingSteps the final projection length, at least 1
     * @param trialSparsities the probe fractions, each in (0, 1), at least one
     * @param lossWeight the loss term's weight, finite and at least 0
     */
    public CricSettings {
        atLeast("startCricStep", startCricStep, 1);
        atLeast("samplingSteps", samplingSteps, 1);
        atLeast("maxCycles", maxCycles, 1);
        atLeast("tolerance", tolerance, 0);
        atLeast("hybridTrainingSteps", hybridTrainingSteps, 1);
        if (trialSparsities == null || trialSparsities.length == 0) {
            throw new IllegalArgumentException(
                    "trialSparsities needs at least one value in (0, 1)");
        }
        trialSparsities = trialSparsities.clone();
        for (double r : trialSparsities) {
            if (!(r > 0 && r < 1)) {
                throw new IllegalArgumentException(
                        "each trial sparsity must be in (0, 1), got " + r);
            }
        }
        if (!Double.isFinite(lossWeight) || lossWeight < 0) {
            throw new IllegalArgumentException(
                    "lossWeight must be finite and >= 0, got " + lossWeight);
        }
    }

    /**
     * Returns a copy of the probe fractions.
     *
     * @return the trial sparsities
     */
    @Override
    public double[] trialSparsities() {
        return trialSparsities.clone();
    }

    /**
     * Starts a builder with the defaults: {@code samplingSteps = 10}, {@code maxCycles = 5}, {@code
     * tolerance = 0}, {@code hybridTrainingSteps = 100}, trial sparsities {@code {0.25, 0.5,
     * 0.75}}, loss weight 1.0; {@code startCricStep} must be set.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CricSettings other
                && startCricStep == other.startCricStep
                && samplingSteps == other.samplingSteps
                && maxCycles == other.maxCycles
                && tolerance == other.tolerance
                && hybridTrainingSteps == other.hybridTrainingSteps
                && Arrays.equals(trialSparsities, other.trialSparsities)
                && Double.compare(lossWeight, other.lossWeight) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(trialSparsities) * 31 + startCricStep;
    }

    @Override
    public String toString() {
        return "CricSettings[startCricStep="
                + startCricStep
                + ", samplingSteps="
                + samplingSteps
                + ", maxCycles="
                + maxCycles
                + ", tolerance="
                + tolerance
                + ", hybridTrainingSteps="
                + hybridTrainingSteps
                + ", trialSparsities="
                + Arrays.toString(trialSparsities)
                + ", lossWeight="
                + lossWeight
                + "]";
    }

    private static void atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
        }
    }

    /** Builds {@link CricSettings}: {@code setX} for required settings, {@code optX} otherwise. */
    public static final class Builder {
        private Integer startCricStep;
        private int samplingSteps = 10;
        private int maxCycles = 5;
        private int tolerance;
        private int hybridTrainingSteps = 100;
        private double[] trialSparsities = {0.25, 0.5, 0.75};
        private double lossWeight = 1.0;

        private Builder() {}

        /**
         * Sets the step at which CRIC snapshots the model and takes the reference loss.
         *
         * @param step at least 1
         * @return this builder
         */
        public Builder setStartCricStep(int step) {
            this.startCricStep = step;
            return this;
        }

        /**
         * Sets the cycle length {@code S}.
         *
         * @param steps at least 1
         * @return this builder
         */
        public Builder optSamplingSteps(int steps) {
            this.samplingSteps = steps;
            return this;
        }

        /**
         * Sets the most cycles to run.
         *
         * @param cycles at least 1
         * @return this builder
         */
        public Builder optMaxCycles(int cycles) {
            this.maxCycles = cycles;
            return this;
        }

        /**
         * Sets the violating-set size at or below which the cycles stop.
         *
         * @param channels at least 0
         * @return this builder
         */
        public Builder optTolerance(int channels) {
            this.tolerance = channels;
            return this;
        }

        /**
         * Sets the length {@code H} of the final hybrid projection.
         *
         * @param steps at least 1
         * @return this builder
         */
        public Builder optHybridTrainingSteps(int steps) {
            this.hybridTrainingSteps = steps;
            return this;
        }

        /**
         * Sets the fractions of each node group zeroed by the probes.
         *
         * @param sparsities each in (0, 1)
         * @return this builder
         */
        public Builder optTrialSparsities(double... sparsities) {
            this.trialSparsities = sparsities.clone();
            return this;
        }

        /**
         * Sets the weight of the loss-sensitivity term in the vote.
         *
         * @param weight finite, at least 0
         * @return this builder
         */
        public Builder optLossWeight(double weight) {
            this.lossWeight = weight;
            return this;
        }

        /**
         * Validates and builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the bad setting
         */
        public CricSettings build() {
            if (startCricStep == null) {
                throw new IllegalArgumentException(
                        "startCricStep is required: call setStartCricStep(step >= 1)");
            }
            return new CricSettings(
                    startCricStep,
                    samplingSteps,
                    maxCycles,
                    tolerance,
                    hybridTrainingSteps,
                    trialSparsities,
                    lossWeight);
        }
    }
}
