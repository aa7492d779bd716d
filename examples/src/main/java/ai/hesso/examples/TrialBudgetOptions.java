package ai.hesso.examples;

import java.util.List;
import picocli.CommandLine.Option;

/**
 * The training budget options shared by {@code hesso bench accuracy} and {@code hesso bench
 * frontier} ({@code --models}, {@code --seeds}, {@code --epochs}, {@code --batch-size}, {@code
 * --limit}, {@code --test-limit}, {@code --lr}); add them with {@code @Mixin TrialBudgetOptions
 * budget;}. Each option overrides its preset's value; an option not given keeps it.
 */
public final class TrialBudgetOptions {

    @Option(
            names = "--models",
            paramLabel = "M",
            split = ",",
            description = "fashion-cnn,resnet8 (the presets' models) and vit")
    private List<String> models;

    @Option(names = "--seeds", paramLabel = "N", split = ",", description = "e.g. 1,2,3")
    private List<Integer> seeds;

    @Option(names = "--epochs", paramLabel = "N", description = "epochs per method")
    private Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "images per step")
    private Integer batchSize;

    @Option(names = "--limit", paramLabel = "N", description = "training images, the first N")
    private Integer limit;

    @Option(names = "--test-limit", paramLabel = "N", description = "test images, the first N")
    private Integer testLimit;

    @Option(names = "--lr", paramLabel = "LR", description = "peak SGD learning rate")
    private Float learningRate;

    /** Creates the option holder (picocli instantiates it). */
    public TrialBudgetOptions() {}

    /**
     * Returns the models.
     *
     * @param preset the preset's models
     * @return {@code --models}, or the preset's
     */
    public List<String> models(List<String> preset) {
        return models != null ? models : preset;
    }

    /**
     * Returns the seeds.
     *
     * @param preset the preset's seeds
     * @return {@code --seeds}, or the preset's
     */
    public List<Integer> seeds(List<Integer> preset) {
        return seeds != null ? seeds : preset;
    }

    /**
     * Returns the epochs.
     *
     * @param preset the preset's epochs
     * @return {@code --epochs}, or the preset's
     */
    public int epochs(int preset) {
        return epochs != null ? epochs : preset;
    }

    /**
     * Returns the batch size.
     *
     * @param preset the preset's batch size
     * @return {@code --batch-size}, or the preset's
     */
    public int batchSize(int preset) {
        return batchSize != null ? batchSize : preset;
    }

    /**
     * Returns the training images.
     *
     * @param preset the preset's count
     * @return {@code --limit}, or the preset's
     */
    public int trainLimit(int preset) {
        return limit != null ? limit : preset;
    }

    /**
     * Returns the test images.
     *
     * @param preset the preset's count
     * @return {@code --test-limit}, or the preset's
     */
    public int testLimit(int preset) {
        return testLimit != null ? testLimit : preset;
    }

    /**
     * Returns the peak learning rate.
     *
     * @param preset the preset's rate
     * @return {@code --lr}, or the preset's
     */
    public float learningRate(float preset) {
        return learningRate != null ? learningRate : preset;
    }
}
