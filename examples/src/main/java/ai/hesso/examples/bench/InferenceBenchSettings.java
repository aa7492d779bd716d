package ai.hesso.examples.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The settings of {@code hesso bench inference}.
 *
 * <p>For each batch size, the dense and the compact model first run {@code warmupRounds} untimed
 * rounds, then {@code rounds} timed ones, alternating which goes first (see {@link
 * PairedInference}). A sample is as many forward passes as make {@code imagesPerSample} images (at
 * least one pass), so that batch size 1 is timed over many passes.
 *
 * @param trainedModel a directory holding a trained, zeroed {@code fashion-cnn-0000.params} (as
 *     {@code hesso demo} saves it) to compact instead of zeroing channels of a fresh model
 * @param sparsity the share of every prunable group's channels to zero in a fresh model, in {@code
 *     [0, 1)}
 * @param batchSizes the batch sizes to time, each at least 1
 * @param rounds timed rounds per batch size, at least 3
 * @param warmupRounds untimed rounds per batch size first, at least 0
 * @param imagesPerSample the images one timed sample covers, at least 1
 * @param seed the seed of the weights, of the zeroed channels and of the input images
 */
public record InferenceBenchSettings(
        Optional<Path> trainedModel,
        double sparsity,
        List<Integer> batchSizes,
        int rounds,
        int warmupRounds,
        int imagesPerSample,
        int seed) {

    /** The target: measured speedup at least this share of the MAC reduction. */
    public static final double TARGET = 0.7;

    /** The batch size from which every runtime must meet {@link #TARGET}; at batch 1, one must. */
    public static final int LARGE_BATCH = 256;

    /**
     * Validates the settings.
     *
     * @param trainedModel the trained model's directory, if any
     * @param sparsity the sparsity of a fresh model
     * @param batchSizes the batch sizes
     * @param rounds the timed rounds
     * @param warmupRounds the untimed rounds
     * @param imagesPerSample the images per sample
     * @param seed the seed
     * @throws IllegalArgumentException naming the bad option, its value and the valid range
     */
    public InferenceBenchSettings {
        trainedModel = trainedModel == null ? Optional.empty() : trainedModel;
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("--sparsity must be in [0, 1), got " + sparsity);
        }
        batchSizes = List.copyOf(batchSizes);
        if (batchSizes.isEmpty()) {
            throw new IllegalArgumentException("--batch-sizes must name at least one size");
        }
        for (int b : batchSizes) {
            if (b < 1) {
                throw new IllegalArgumentException(
                        "--batch-sizes must all be at least 1, got " + b);
            }
        }
        if (rounds < 3) {
            throw new IllegalArgumentException("--rounds must be at least 3, got " + rounds);
        }
        if (warmupRounds < 0) {
            throw new IllegalArgumentException("--warmup must be at least 0, got " + warmupRounds);
        }
        if (imagesPerSample < 1) {
            throw new IllegalArgumentException(
                    "--images-per-sample must be at least 1, got " + imagesPerSample);
        }
    }

    /**
     * Returns the forward passes that make one timed sample at a batch size.
     *
     * @param batchSize the batch size
     * @return {@code max(1, ceil(imagesPerSample / batchSize))}
     */
    public int callsPerSample(int batchSize) {
        return Math.max(1, (imagesPerSample + batchSize - 1) / batchSize);
    }
}
