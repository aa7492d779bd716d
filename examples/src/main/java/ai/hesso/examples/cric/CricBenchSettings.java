package ai.hesso.examples.cric;

import ai.hesso.core.HessoSettings;
import ai.hesso.core.cric.CricSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The settings of one {@code hesso cric} comparison and the two schedules that follow from them.
 *
 * <p>Both identifications get the same step budget: warm-up for the first tenth of all steps, and
 * every redundant channel exactly zero about a third of the way through ({@link #prunedByStep()}).
 * Plain HESSO spends that span on {@value #PRUNING_PERIODS} periods; HESSO-CRIC on its probe phase
 * ({@code 6} steps per prunable node group with the three default trial sparsities), at most {@code
 * maxCycles} cycles of {@code samplingSteps} and a hybrid phase filling the rest.
 *
 * @param dataDirectory the Fashion-MNIST IDX directory
 * @param model a name from {@link CricBenchModels#names()}
 * @param epochs passes over the training images, at least 1
 * @param batchSize images per step, at least 1
 * @param sparsity the target group sparsity, in {@code (0, 1)}
 * @param learningRate SGD's learning rate (momentum {@value #MOMENTUM}), positive and finite
 * @param seeds the seeds of the weights and the shuffling, at least one; each seed trains both
 * @param trainLimit the training images used, the first N, 1 to 60,000
 * @param testLimit the test images used, the first N, 1 to 10,000
 * @param samplingSteps CRIC's cycle length {@code S}, at least 1
 * @param maxCycles CRIC's most cycles, at least 1
 * @param lossWeight CRIC's weight of the loss-ratio term in the vote, at least 0
 */
public record CricBenchSettings(
        Path dataDirectory,
        String model,
        int epochs,
        int batchSize,
        double sparsity,
        float learningRate,
        List<Integer> seeds,
        int trainLimit,
        int testLimit,
        int samplingSteps,
        int maxCycles,
        double lossWeight) {

    /** Plain HESSO's number of pruning periods. */
    public static final int PRUNING_PERIODS = 5;

    /** SGD's momentum, for both identifications. */
    public static final float MOMENTUM = 0.9f;

    /** CRIC's probe steps per prunable node group: two for each default trial sparsity. */
    public static final int PROBE_STEPS_PER_GROUP = 6;

    /**
     * Validates the settings and copies the seeds.
     *
     * @param dataDirectory the data directory
     * @param model the model name
     * @param epochs the epochs
     * @param batchSize the batch size
     * @param sparsity the target group sparsity
     * @param learningRate the learning rate
     * @param seeds the seeds
     * @param trainLimit the training images
     * @param testLimit the test images
     * @param samplingSteps CRIC's cycle length
     * @param maxCycles CRIC's most cycles
     * @param lossWeight CRIC's loss weight
     * @throws IllegalArgumentException naming the bad option, its value and the valid range
     */
    public CricBenchSettings {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        if (!CricBenchModels.names().contains(model)) {
            throw new IllegalArgumentException(
                    "--model must be one of " + CricBenchModels.names() + ", got " + model);
        }
        atLeast("--epochs", epochs, 1);
        atLeast("--batch-size", batchSize, 1);
        if (!(sparsity > 0 && sparsity < 1)) {
            throw new IllegalArgumentException("--sparsity must be in (0, 1), got " + sparsity);
        }
        if (!(learningRate > 0 && Float.isFinite(learningRate))) {
            throw new IllegalArgumentException(
                    "--lr must be positive and finite, got " + learningRate);
        }
        if (seeds == null || seeds.isEmpty()) {
            throw new IllegalArgumentException("--seeds needs at least one seed");
        }
        seeds = List.copyOf(seeds);
        if (trainLimit < 1 || trainLimit > 60_000) {
            throw new IllegalArgumentException("--limit must be in [1, 60000], got " + trainLimit);
        }
        if (testLimit < 1 || testLimit > 10_000) {
            throw new IllegalArgumentException(
                    "--test-limit must be in [1, 10000], got " + testLimit);
        }
        atLeast("--sampling-steps", samplingSteps, 1);
        atLeast("--max-cycles", maxCycles, 1);
        if (!(lossWeight >= 0 && Double.isFinite(lossWeight))) {
            throw new IllegalArgumentException(
                    "--loss-weight must be finite and >= 0, got " + lossWeight);
        }
    }

    private static void atLeast(String option, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(
                    option + " must be at least " + min + ", got " + value);
        }
    }

    /**
     * Returns the optimizer steps per epoch; the last batch may be smaller.
     *
     * @return {@code ceil(trainLimit / batchSize)}
     */
    public int stepsPerEpoch() {
        return (trainLimit + batchSize - 1) / batchSize;
    }

    /**
     * Returns all training steps.
     *
     * @return {@code epochs * stepsPerEpoch()}
     */
    public int totalSteps() {
        return epochs * stepsPerEpoch();
    }

    /**
     * Returns the last warm-up step: both identifications start after it.
     *
     * @return {@code max(1, round(totalSteps / 10))}
     */
    public int startStep() {
        return Math.max(1, Math.round(totalSteps() * 0.1f));
    }

    /**
     * Returns the number of plain HESSO's periods: {@value #PRUNING_PERIODS}, fewer on very short
     * runs.
     *
     * @return the periods
     */
    public int pruningPeriods() {
        return Math.min(PRUNING_PERIODS, Math.max(1, totalSteps() / 10));
    }

    /**
     * Returns the step by which both identifications have zeroed every redundant channel (CRIC
     * earlier when its cycles end before {@code maxCycles}).
     *
     * @return {@code startStep() + max(periods, round(0.23 totalSteps))}
     */
    public int prunedByStep() {
        return startStep() + Math.max(pruningPeriods(), Math.round(totalSteps() * 0.23f));
    }

    /**
     * Returns plain HESSO's settings: {@link #pruningPeriods()} periods from {@link #startStep()}
     * to {@link #prunedByStep()}.
     *
     * @return the settings
     */
    public HessoSettings hessoSettings() {
        return HessoSettings.builder()
                .optTargetGroupSparsity(sparsity)
                .optStartPruningStep(startStep())
                .setPruningSteps(prunedByStep() - startStep())
                .optPruningPeriods(pruningPeriods())
                .build();
    }

    /**
     * Returns HESSO-CRIC's settings for a model with the given number of prunable node groups: the
     * snapshot at {@link #startStep()}, then the probes and at most {@code maxCycles} cycles, and a
     * hybrid phase that ends at {@link #prunedByStep()} when all cycles run.
     *
     * @param prunableGroups the model's prunable node groups, at least 1
     * @return the settings
     * @throws IllegalArgumentException if the span is too short to leave a hybrid phase
     */
    public HessoSettings cricSettings(int prunableGroups) {
        int probes = PROBE_STEPS_PER_GROUP * prunableGroups;
        int hybrid = prunedByStep() - startStep() - probes - maxCycles * samplingSteps;
        if (hybrid < 1) {
            throw new IllegalArgumentException(
                    "the run is too short for CRIC: "
                            + probes
                            + " probe steps and "
                            + maxCycles
                            + " cycles of "
                            + samplingSteps
                            + " steps do not fit in the "
                            + (prunedByStep() - startStep())
                            + " pruning steps of "
                            + totalSteps()
                            + " in all; raise --epochs or --limit, or lower --max-cycles");
        }
        return HessoSettings.builder()
                .optTargetGroupSparsity(sparsity)
                .optCric(
                        CricSettings.builder()
                                .setStartCricStep(startStep())
                                .optSamplingSteps(samplingSteps)
                                .optMaxCycles(maxCycles)
                                .optHybridTrainingSteps(hybrid)
                                .optLossWeight(lossWeight)
                                .build())
                .build();
    }
}
