package ai.hesso.examples.bench;

import ai.hesso.core.variant.Variant;
import ai.hesso.examples.bench.accuracy.BenchModels;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The settings of {@code hesso bench}.
 *
 * <p>Each optimizer first runs {@code warmupSteps} untimed steps, then {@code steps} timed ones, in
 * alternating blocks of {@code blockSteps}. HESSO's warm-up ends a third of the way into the timed
 * steps and its {@value #PRUNING_PERIODS} pruning periods fill the second third, so each phase gets
 * about a third of the samples.
 *
 * @param dataDirectory the Fashion-MNIST directory (ignored when {@code synthetic})
 * @param synthetic whether to use seeded random images and labels instead of Fashion-MNIST
 * @param steps timed steps per optimizer, at least 30
 * @param warmupSteps untimed steps per optimizer before timing, at least 0
 * @param blockSteps steps per optimizer before switching to the other, at least 1
 * @param batchSize images per step, at least 1
 * @param distinctBatches how many different batches are cycled through, at least 1
 * @param seed the seed of the weights (and of synthetic data)
 * @param model the model timed: {@value #FASHION_CNN}, {@value #RESNET50} or {@value #TRANSFORMER}
 * @param variants the update variants, each HESSO variant paired with its DJL optimizer, in order
 */
public record BenchSettings(
        Path dataDirectory,
        boolean synthetic,
        int steps,
        int warmupSteps,
        int blockSteps,
        int batchSize,
        int distinctBatches,
        int seed,
        String model,
        List<Variant> variants) {

    /** The demo's CNN, about 41 thousand parameters. */
    public static final String FASHION_CNN = "fashion-cnn";

    /**
     * DJL's {@code ResNetV1} with 50 layers on seeded random 32x32 images, about 23.5 million
     * parameters: the scale check, where a small input makes the optimizer's share of a step large.
     * (DJL builds its CIFAR-sized variant, 0.76 million parameters, for inputs of 28 pixels or
     * less, hence 32.)
     */
    public static final String RESNET50 = "resnet50";

    /**
     * A vision transformer of four DJL {@code TransformerEncoderBlock}s, width 512, 8 heads of 64
     * units, 2048 feed-forward units, on 28x28 images cut into 16 patches of 7x7 pixels: {@link
     * BenchModels#vit(int, int, int, int)}, the accuracy benchmark's {@value BenchModels#VIT} at
     * eight times its width: 12,656,650 parameters (12,648,458 trained; the rest are the batch
     * norms' running statistics), about 203 million MACs per image. Runs on Fashion-MNIST or {@code
     * --synthetic} images.
     */
    public static final String TRANSFORMER = "transformer";

    /** The embedding width of {@value #TRANSFORMER}. */
    public static final int TRANSFORMER_WIDTH = 512;

    /** The attention heads of each encoder of {@value #TRANSFORMER}. */
    public static final int TRANSFORMER_HEADS = 8;

    /** The feed-forward hidden units of each encoder of {@value #TRANSFORMER}. */
    public static final int TRANSFORMER_HIDDEN = 2048;

    /** The encoders of {@value #TRANSFORMER}. */
    public static final int TRANSFORMER_BLOCKS = 4;

    /** The models {@code --model} accepts. */
    public static final List<String> MODELS = List.of(FASHION_CNN, RESNET50, TRANSFORMER);

    /** The learning rate of SGD (both optimizers, momentum {@value #SGD_MOMENTUM}). */
    public static final float SGD_LEARNING_RATE = 0.01f;

    /** The momentum of SGD. */
    public static final float SGD_MOMENTUM = 0.9f;

    /** The decoupled weight decay of both AdamWs. */
    public static final float ADAMW_WEIGHT_DECAY = 1e-4f;

    /** The number of HESSO pruning periods. */
    public static final int PRUNING_PERIODS = 5;

    /** The learning rate of both Adams and both AdamWs. */
    public static final float LEARNING_RATE = 1e-3f;

    /** The target ratio of HESSO's median step time to DJL Adam's during pruning periods. */
    public static final double TARGET_PRUNING = 1.10;

    /** The target ratio outside pruning periods (warm-up and after pruning). */
    public static final double TARGET_OUTSIDE = 1.05;

    /**
     * Validates the settings.
     *
     * @param dataDirectory the data directory
     * @param synthetic whether the data is synthetic
     * @param steps the timed steps
     * @param warmupSteps the untimed steps
     * @param blockSteps the steps per block
     * @param batchSize the batch size
     * @param distinctBatches the distinct batches
     * @param seed the seed
     * @param model the model
     * @param variants the variants
     * @throws IllegalArgumentException naming the bad value and the valid range
     */
    public BenchSettings {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(model, "model");
        if (!MODELS.contains(model)) {
            throw new IllegalArgumentException(
                    "--model must be one of " + MODELS + ", got '" + model + "'");
        }
        if (model.equals(RESNET50) && !synthetic) {
            throw new IllegalArgumentException(
                    "--model resnet50 needs --synthetic: its ImageNet widths need inputs larger than"
                            + " Fashion-MNIST's 28x28, so it runs on seeded random 32x32 images");
        }
        if (variants == null || variants.isEmpty()) {
            throw new IllegalArgumentException(
                    "--variants must name at least one of sgd, adam, adamw");
        }
        variants = List.copyOf(variants.stream().distinct().toList());
        if (steps < 30) {
            throw new IllegalArgumentException("--steps must be at least 30, got " + steps);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("--warmup must be at least 0, got " + warmupSteps);
        }
        if (blockSteps < 1 || blockSteps > steps) {
            throw new IllegalArgumentException(
                    "--block must be in [1, " + steps + "], got " + blockSteps);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        if (distinctBatches < 1) {
            throw new IllegalArgumentException(
                    "--batches must be at least 1, got " + distinctBatches);
        }
    }

    /**
     * Returns the side of the square input images.
     *
     * @return 32 for {@value #RESNET50}, 28 (Fashion-MNIST's) otherwise
     */
    public int imageSize() {
        return model.equals(RESNET50) ? 32 : 28;
    }

    /**
     * Returns HESSO's first pruning step, counted from its first (untimed) step.
     *
     * @return {@code warmupSteps + steps / 3}
     */
    public int startPruningStep() {
        return warmupSteps + steps / 3;
    }

    /**
     * Returns the steps of HESSO's pruning periods.
     *
     * @return {@code steps / 3}
     */
    public int pruningSteps() {
        return steps / 3;
    }
}
