package ai.hesso.core.identification;

import ai.hesso.core.Phase;
import java.util.Arrays;
import java.util.Objects;

/**
 * The progress of CRIC's identification: the probe results, the corrective cycles' sets and score
 * history, and where the vote's hybrid phase started. Arrays are copied in and out; {@link #equals}
 * compares contents.
 *
 * @param phase the phase of the last planned step
 * @param referenceLoss the loss at {@code startCricStep} (0 before it)
 * @param probeScores the scores taken at {@code startCricStep}, or null before it
 * @param lossRatioSums per prunable node group, the sum of the probes' loss ratios
 * @param lossRatioCounts per prunable node group, the number of probes recorded
 * @param scoreSums per channel, the sum of the stored cycle scores
 * @param scoreSamples the number of stored score vectors
 * @param historical per channel, whether it joined the historical set
 * @param trial per channel, whether it is in the current cycle's trial set
 * @param cycle the number of cycles started
 * @param cycleStartStep the step the current cycle started at
 * @param cyclesDone whether the vote has happened
 * @param hybridStartStep the step the hybrid phase started at (the vote's step)
 */
public record CricProgress(
        Phase phase,
        double referenceLoss,
        double[] probeScores,
        double[] lossRatioSums,
        int[] lossRatioCounts,
        double[] scoreSums,
        int scoreSamples,
        boolean[] historical,
        boolean[] trial,
        int cycle,
        int cycleStartStep,
        boolean cyclesDone,
        int hybridStartStep)
        implements IdentificationProgress {

    /**
     * Validates and copies the arrays.
     *
     * @param phase the phase
     * @param referenceLoss the reference loss
     * @param probeScores the probe scores, or null
     * @param lossRatioSums the loss ratio sums
     * @param lossRatioCounts the loss ratio counts, as long as the sums
     * @param scoreSums the score sums
     * @param scoreSamples at least 0
     * @param historical the historical flags, as long as the score sums
     * @param trial the trial flags, as long as the score sums
     * @param cycle at least 0
     * @param cycleStartStep the cycle start step
     * @param cyclesDone whether the vote happened
     * @param hybridStartStep the hybrid start step
     */
    public CricProgress {
        Objects.requireNonNull(phase, "phase");
        probeScores = probeScores == null ? null : probeScores.clone();
        lossRatioSums = lossRatioSums.clone();
        lossRatioCounts = lossRatioCounts.clone();
        scoreSums = scoreSums.clone();
        historical = historical.clone();
        trial = trial.clone();
        if (lossRatioCounts.length != lossRatioSums.length
                || historical.length != scoreSums.length
                || trial.length != scoreSums.length
                || (probeScores != null && probeScores.length != scoreSums.length)) {
            throw new IllegalArgumentException(
                    "CRIC progress arrays disagree in length: "
                            + lossRatioSums.length
                            + " loss ratio sums, "
                            + lossRatioCounts.length
                            + " counts, "
                            + scoreSums.length
                            + " score sums, "
                            + historical.length
                            + " historical and "
                            + trial.length
                            + " trial flags");
        }
        if (scoreSamples < 0 || cycle < 0) {
            throw new IllegalArgumentException(
                    "scoreSamples and cycle must be >= 0, got " + scoreSamples + " and " + cycle);
        }
    }

    /**
     * Returns a copy of the probe scores.
     *
     * @return the scores, or null before {@code startCricStep}
     */
    @Override
    public double[] probeScores() {
        return probeScores == null ? null : probeScores.clone();
    }

    /**
     * Returns a copy of the loss ratio sums.
     *
     * @return one sum per prunable node group
     */
    @Override
    public double[] lossRatioSums() {
        return lossRatioSums.clone();
    }

    /**
     * Returns a copy of the loss ratio counts.
     *
     * @return one count per prunable node group
     */
    @Override
    public int[] lossRatioCounts() {
        return lossRatioCounts.clone();
    }

    /**
     * Returns a copy of the score sums.
     *
     * @return one sum per channel
     */
    @Override
    public double[] scoreSums() {
        return scoreSums.clone();
    }

    /**
     * Returns a copy of the historical flags.
     *
     * @return one flag per channel
     */
    @Override
    public boolean[] historical() {
        return historical.clone();
    }

    /**
     * Returns a copy of the trial flags.
     *
     * @return one flag per channel
     */
    @Override
    public boolean[] trial() {
        return trial.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CricProgress p
                && phase == p.phase
                && Double.compare(referenceLoss, p.referenceLoss) == 0
                && Arrays.equals(probeScores, p.probeScores)
                && Arrays.equals(lossRatioSums, p.lossRatioSums)
                && Arrays.equals(lossRatioCounts, p.lossRatioCounts)
                && Arrays.equals(scoreSums, p.scoreSums)
                && scoreSamples == p.scoreSamples
                && Arrays.equals(historical, p.historical)
                && Arrays.equals(trial, p.trial)
                && cycle == p.cycle
                && cycleStartStep == p.cycleStartStep
                && cyclesDone == p.cyclesDone
                && hybridStartStep == p.hybridStartStep;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                phase,
                referenceLoss,
                Arrays.hashCode(probeScores),
                Arrays.hashCode(lossRatioSums),
                Arrays.hashCode(lossRatioCounts),
                Arrays.hashCode(scoreSums),
                scoreSamples,
                Arrays.hashCode(historical),
                Arrays.hashCode(trial),
                cycle,
                cycleStartStep,
                cyclesDone,
                hybridStartStep);
    }

    @Override
    public String toString() {
        return "CricProgress[phase="
                + phase
                + ", cycle="
                + cycle
                + ", cycleStartStep="
                + cycleStartStep
                + ", cyclesDone="
                + cyclesDone
                + ", hybridStartStep="
                + hybridStartStep
                + ", scoreSamples="
                + scoreSamples
                + "]";
    }
}
