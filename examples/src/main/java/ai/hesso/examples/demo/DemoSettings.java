package ai.hesso.examples.demo;

import ai.hesso.examples.data.FashionMnist;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of one demo run: the data, the training length and HESSO's target.
 *
 * <p>The pruning schedule follows from them (see {@link #schedule()}): warm-up for the first tenth
 * of all steps, then {@value #PRUNING_PERIODS} pruning periods over the next 23%, so the target
 * group sparsity is reached a third of the way through and the rest of training recovers the
 * accuracy of the smaller network.
 *
 * @param dataDirectory the Fashion-MNIST IDX directory
 * @param epochs passes over the training images, at least 1
 * @param batchSize images per step, at least 1
 * @param sparsity the target group sparsity, in {@code [0, 1)}
 * @param learningRate SGD's learning rate, positive and finite
 * @param seed the seed of the weights and of the shuffling
 * @param trainLimit the number of training images used, 1 to 60,000
 * @param testLimit the number of test images used, 1 to 10,000
 * @param compareDense whether to also train the same model with DJL's plain SGD
 * @param saveDirectory where the trained model is saved: {@code dense/} the zeroed full-size model,
 *     {@code compact/} the compact one
 * @param timingRounds the timed rounds of the side-by-side inference timing, at least 1
 * @param targetMacs the MAC budget, a fraction in {@code (0, 1)} of the dense model's MACs that
 *     replaces the group sparsity as HESSO's target, or null to prune to {@code sparsity}
 */
public record DemoSettings(
        Path dataDirectory,
        int epochs,
        int batchSize,
        double sparsity,
        float learningRate,
        int seed,
        int trainLimit,
        int testLimit,
        boolean compareDense,
        Path saveDirectory,
        int timingRounds,
        Double targetMacs) {

    /** The number of training images in Fashion-MNIST. */
    public static final int TRAIN_IMAGES = 60_000;

    /** The number of test images in Fashion-MNIST. */
    public static final int TEST_IMAGES = 10_000;

    /** The number of pruning periods. */
    public static final int PRUNING_PERIODS = 5;

    /** The default save directory, relative to the working directory. */
    public static final String DEFAULT_SAVE_DIRECTORY = "target/hesso-demo";

    /** The default number of timed inference rounds. */
    public static final int DEFAULT_TIMING_ROUNDS = 20;

    /** SGD's momentum, for HESSO and the dense baseline alike. */
    public static final float MOMENTUM = 0.9f;

    /**
     * Validates the settings.
     *
     * @param dataDirectory the data directory
     * @param epochs the epochs
     * @param batchSize the batch size
     * @param sparsity the target group sparsity
     * @param learningRate the learning rate
     * @param seed the seed
     * @param trainLimit the training images
     * @param testLimit the test images
     * @param compareDense whether to train the dense baseline
     * @param saveDirectory the save directory
     * @param timingRounds the timed inference rounds
     * @param targetMacs the MAC budget, or null
     * @throws IllegalArgumentException naming the bad value and the valid range
     */
    public DemoSettings {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("--sparsity must be in [0, 1), got " + sparsity);
        }
        if (!(learningRate > 0 && Float.isFinite(learningRate))) {
            throw new IllegalArgumentException(
                    "--lr must be positive and finite, got " + learningRate);
        }
        if (trainLimit < 1 || trainLimit > TRAIN_IMAGES) {
            throw new IllegalArgumentException(
                    "--limit must be in [1, " + TRAIN_IMAGES + "], got " + trainLimit);
        }
        if (targetMacs != null && !(targetMacs > 0 && targetMacs < 1)) {
            throw new IllegalArgumentException(
                    "--target-macs must be in (0, 1), got " + targetMacs);
        }
        if (testLimit < 1 || testLimit > TEST_IMAGES) {
            throw new IllegalArgumentException(
                    "--test-limit must be in [1, " + TEST_IMAGES + "], got " + testLimit);
        }
        Objects.requireNonNull(saveDirectory, "saveDirectory");
        if (timingRounds < 1) {
            throw new IllegalArgumentException(
                    "--timing-rounds must be at least 1, got " + timingRounds);
        }
    }

    /**
     * Returns the default settings: 2 epochs over all 60,000 training images, batch 128, sparsity
     * 0.5, learning rate 0.05, seed 42, all 10,000 test images, no dense baseline, models saved
     * under {@value #DEFAULT_SAVE_DIRECTORY}, {@value #DEFAULT_TIMING_ROUNDS} timed inference
     * rounds.
     *
     * @param dataDirectory the data directory
     * @return the defaults
     */
    public static DemoSettings defaults(Path dataDirectory) {
        return new DemoSettings(
                dataDirectory,
                2,
                128,
                0.5,
                0.05f,
                42,
                TRAIN_IMAGES,
                TEST_IMAGES,
                false,
                Path.of(DEFAULT_SAVE_DIRECTORY),
                DEFAULT_TIMING_ROUNDS,
                null);
    }

    /**
     * Returns the defaults with the Debian package's data directory.
     *
     * @return the defaults
     */
    public static DemoSettings defaults() {
        return defaults(Path.of(FashionMnist.DEFAULT_DIRECTORY));
    }

    /**
     * Returns the number of optimizer steps per epoch; the last batch may be smaller.
     *
     * @return {@code ceil(trainLimit / batchSize)}
     */
    public int stepsPerEpoch() {
        return (trainLimit + batchSize - 1) / batchSize;
    }

    /**
     * Returns HESSO's schedule for these settings.
     *
     * @return the schedule
     */
    public Schedule schedule() {
        int total = epochs * stepsPerEpoch();
        int periods = Math.min(PRUNING_PERIODS, Math.max(1, total / 10));
        int start = Math.round(total * 0.1f);
        int pruning = Math.max(periods, Math.round(total * 0.23f));
        return new Schedule(total, start, pruning, periods);
    }

    /**
     * HESSO's pruning schedule, in optimizer steps.
     *
     * @param totalSteps all training steps
     * @param startPruningStep the warm-up steps before the first pruning period
     * @param pruningSteps the steps over which the periods run
     * @param pruningPeriods the number of periods
     */
    public record Schedule(
            int totalSteps, int startPruningStep, int pruningSteps, int pruningPeriods) {

        /**
         * Returns the step after which every redundant channel is zero.
         *
         * @return {@code startPruningStep + pruningSteps}
         */
        public int prunedByStep() {
            return startPruningStep + pruningSteps;
        }

        /**
         * Says what a run too short for the full schedule will do, before it starts: fewer than
         * {@value DemoSettings#PRUNING_PERIODS} periods of 10 steps means fewer periods (down to
         * one), a shorter warm-up, and a result that says little about HESSO.
         *
         * @return the note, empty when the run has the full schedule
         */
        public Optional<String> shortRunNote() {
            int needed = 10 * PRUNING_PERIODS;
            if (totalSteps >= needed) {
                return Optional.empty();
            }
            return Optional.of(
                    String.format(
                            Locale.ROOT,
                            "note: %d steps is shorter than the %d the demo's schedule is made for"
                                    + " (a tenth of the steps to warm up, then %d pruning"
                                    + " periods): this run warms up for %d steps and prunes the"
                                    + " whole target in %d period(s) by step %d, so its accuracy"
                                    + " says little about HESSO; use more images (--limit) or"
                                    + " epochs",
                            totalSteps,
                            needed,
                            PRUNING_PERIODS,
                            startPruningStep,
                            pruningPeriods,
                            prunedByStep()));
        }
    }
}
