package ai.hesso.examples.bench.accuracy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The settings of {@code hesso bench accuracy}: the data, the budget shared by every method, and
 * which trials to run.
 *
 * @param dataDirectory the Fashion-MNIST IDX directory
 * @param outputDirectory where {@code results.json} and the plots are written
 * @param models the model names (see {@link BenchModels}), at least one
 * @param methods the methods to run, at least one
 * @param seeds the seeds, at least one
 * @param epochs passes over the training images per method, at least 1
 * @param batchSize images per step, at least 1
 * @param trainLimit the training images used, the first N, 1 to 60,000
 * @param testLimit the test images used, the first N, 1 to 10,000
 * @param learningRate SGD's peak learning rate (cosine decay to 1% of it over the run)
 * @param sparsities HESSO's target group sparsities, each in {@code (0, 1)}
 * @param baselineSparsities the targets of the baselines and of {@code scratch}, each one of {@code
 *     sparsities} (scratch needs HESSO's architecture at the same target)
 * @param cricSparsity HESSO-CRIC's target, in {@code (0, 1)}
 * @param iterations the removals of {@code iterative-l2}, at least 2
 */
public record AccuracySettings(
        Path dataDirectory,
        Path outputDirectory,
        List<String> models,
        List<Method> methods,
        List<Integer> seeds,
        int epochs,
        int batchSize,
        int trainLimit,
        int testLimit,
        float learningRate,
        List<Double> sparsities,
        List<Double> baselineSparsities,
        double cricSparsity,
        int iterations) {

    /** The number of training images in Fashion-MNIST. */
    public static final int TRAIN_IMAGES = 60_000;

    /** The number of test images in Fashion-MNIST. */
    public static final int TEST_IMAGES = 10_000;

    /** SGD's momentum, for every method. */
    public static final float MOMENTUM = 0.9f;

    /** HESSO's pruning periods, and the window the baselines prune in. */
    public static final int PRUNING_PERIODS = 5;

    /**
     * Validates the settings and copies the lists.
     *
     * @param dataDirectory the data directory
     * @param outputDirectory the output directory
     * @param models the models
     * @param methods the methods
     * @param seeds the seeds
     * @param epochs the epochs
     * @param batchSize the batch size
     * @param trainLimit the training images
     * @param testLimit the test images
     * @param learningRate the learning rate
     * @param sparsities HESSO's targets
     * @param baselineSparsities the baselines' targets
     * @param cricSparsity CRIC's target
     * @param iterations the iterative removals
     * @throws IllegalArgumentException naming the option, its value and the valid range
     */
    public AccuracySettings {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(outputDirectory, "outputDirectory");
        models = List.copyOf(models);
        methods = List.copyOf(methods);
        seeds = List.copyOf(seeds);
        sparsities = List.copyOf(sparsities);
        baselineSparsities = List.copyOf(baselineSparsities);
        if (models.isEmpty() || methods.isEmpty() || seeds.isEmpty()) {
            throw new IllegalArgumentException("--models, --methods and --seeds need a value each");
        }
        for (String m : models) {
            BenchModels.build(m); // fails naming the valid models
        }
        for (Method m : methods) {
            if (m.frontierOnly()) {
                throw new IllegalArgumentException(
                        "--methods: "
                                + m.label()
                                + " runs only in 'hesso bench frontier', at a MAC budget");
            }
        }
        atLeast("--epochs", epochs, 1);
        atLeast("--batch-size", batchSize, 1);
        if (trainLimit < 1 || trainLimit > TRAIN_IMAGES) {
            throw new IllegalArgumentException(
                    "--limit must be in [1, " + TRAIN_IMAGES + "], got " + trainLimit);
        }
        if (testLimit < 1 || testLimit > TEST_IMAGES) {
            throw new IllegalArgumentException(
                    "--test-limit must be in [1, " + TEST_IMAGES + "], got " + testLimit);
        }
        if (!(learningRate > 0 && Float.isFinite(learningRate))) {
            throw new IllegalArgumentException(
                    "--lr must be positive and finite, got " + learningRate);
        }
        for (double s : sparsities) {
            sparsity("--sparsities", s);
        }
        for (double s : baselineSparsities) {
            sparsity("--baseline-sparsities", s);
            if (!sparsities.contains(s)) {
                throw new IllegalArgumentException(
                        "--baseline-sparsities: "
                                + s
                                + " is not among --sparsities "
                                + sparsities
                                + " (scratch trains HESSO's architecture at the same target)");
            }
        }
        sparsity("--cric-sparsity", cricSparsity);
        atLeast("--iterations", iterations, 2);
        if (methods.contains(Method.SCRATCH) && !methods.contains(Method.HESSO)) {
            throw new IllegalArgumentException(
                    "--methods: scratch needs hesso (it trains the architecture HESSO found)");
        }
        if (methods.contains(Method.HESSO_MACS) && !methods.contains(Method.HESSO)) {
            throw new IllegalArgumentException(
                    "--methods: hesso-macs needs hesso (its MAC budget is what HESSO reached)");
        }
        // the fields are assigned after this constructor body: compute from the parameters
        int total = epochs * ((trainLimit + batchSize - 1) / batchSize);
        if (total < 10 * PRUNING_PERIODS) {
            throw new IllegalArgumentException(
                    "the budget of "
                            + total
                            + " steps is too short: HESSO's five periods need at least "
                            + 10 * PRUNING_PERIODS
                            + " (raise --epochs or --limit, or lower --batch-size)");
        }
    }

    private static void atLeast(String option, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(
                    option + " must be at least " + min + ", got " + value);
        }
    }

    private static void sparsity(String option, double s) {
        if (!(s > 0 && s < 1)) {
            throw new IllegalArgumentException(option + " values must be in (0, 1), got " + s);
        }
    }

    /**
     * The {@code --quick} budget, under a minute on 2 cores: the first 1,792 training and 1,000
     * test images, batch 64, 2 epochs (56 steps per method: HESSO's five periods need 50, and
     * CRIC's probes of resnet8's groups end at step 52), one seed, both models, HESSO at 0.5 and
     * 0.7 and everything else at 0.7.
     *
     * @param data the data directory
     * @param out the output directory
     * @return the settings
     */
    public static AccuracySettings quick(Path data, Path out) {
        return new AccuracySettings(
                data,
                out,
                BenchModels.names(),
                accuracyMethods(),
                List.of(1),
                2,
                64,
                1_792,
                1_000,
                0.05f,
                List.of(0.5, 0.7),
                List.of(0.7),
                0.7,
                PRUNING_PERIODS);
    }

    /**
     * The full budget, the run documented in {@code docs/benchmarks/accuracy.md}: all 60,000
     * training and 10,000 test images, 6 epochs, seeds 1, 2 and 3, both models, HESSO at 0.5 and
     * 0.7, CRIC, the MAC budget, the baselines and scratch at 0.7 (54 trials, about 80 minutes on 2
     * cores). Every value can be overridden on the command line, e.g. {@code --epochs 10
     * --baseline-sparsities 0.5,0.7}.
     *
     * @param data the data directory
     * @param out the output directory
     * @return the settings
     */
    public static AccuracySettings full(Path data, Path out) {
        return new AccuracySettings(
                data,
                out,
                BenchModels.names(),
                accuracyMethods(),
                List.of(1, 2, 3),
                6,
                128,
                TRAIN_IMAGES,
                TEST_IMAGES,
                0.05f,
                List.of(0.5, 0.7),
                List.of(0.7),
                0.7,
                PRUNING_PERIODS);
    }

    /**
     * Returns every method {@code bench accuracy} runs: all but the frontier's own ({@link
     * Method#frontierOnly()}).
     *
     * @return the methods, in declaration order
     */
    public static List<Method> accuracyMethods() {
        return Arrays.stream(Method.values()).filter(m -> !m.frontierOnly()).toList();
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
     * Returns the optimizer steps of every method's run.
     *
     * @return {@code epochs * stepsPerEpoch()}
     */
    public int totalSteps() {
        return epochs * stepsPerEpoch();
    }

    /**
     * Returns the trials in the order they run: per model and seed, dense, HESSO at each target
     * (lowest first), CRIC, then HESSO with a MAC budget, the baselines and scratch at each of
     * their targets. Scratch and the MAC budget follow HESSO at their target, whose architecture
     * and MACs they take.
     *
     * @return the trials
     */
    public List<Trial> trials() {
        List<Trial> out = new ArrayList<>();
        for (String model : models) {
            for (int seed : seeds) {
                add(out, model, Method.DENSE, List.of(0.0), seed);
                add(out, model, Method.HESSO, sorted(sparsities), seed);
                add(out, model, Method.HESSO_CRIC, List.of(cricSparsity), seed);
                for (double s : sorted(baselineSparsities)) {
                    for (Method m :
                            List.of(
                                    Method.HESSO_MACS,
                                    Method.HESSO_PER_GROUP,
                                    Method.ONESHOT_L2,
                                    Method.ITERATIVE_L2,
                                    Method.ITERATIVE_L2_PER_GROUP,
                                    Method.RANDOM,
                                    Method.SCRATCH)) {
                        add(out, model, m, List.of(s), seed);
                    }
                }
            }
        }
        return out;
    }

    private void add(List<Trial> out, String model, Method method, List<Double> targets, int seed) {
        if (methods.contains(method)) {
            for (double s : targets) {
                out.add(new Trial(model, method, s, seed));
            }
        }
    }

    private static List<Double> sorted(List<Double> values) {
        return values.stream().distinct().sorted().toList();
    }
}
