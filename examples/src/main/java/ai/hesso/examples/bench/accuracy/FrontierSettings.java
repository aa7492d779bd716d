package ai.hesso.examples.bench.accuracy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The settings of {@code hesso bench frontier}: the accuracy benchmark's data and training budget,
 * and the compute budgets every method is brought to by its own rule.
 *
 * @param dataDirectory the Fashion-MNIST IDX directory
 * @param outputDirectory where {@code results.json} and the plots are written
 * @param models the model names (see {@link BenchModels}), at least one
 * @param methods the methods to run, each one of {@link #METHODS}
 * @param seeds the seeds, at least one
 * @param epochs passes over the training images per method, at least 1
 * @param batchSize images per step, at least 1
 * @param trainLimit the training images used, the first N, 1 to 60,000
 * @param testLimit the test images used, the first N, 1 to 10,000
 * @param learningRate SGD's peak learning rate (cosine decay to 1% of it over the run)
 * @param budgets the fractions of each model's dense MACs to reach, each in {@code (0, 1)}
 * @param iterations the removals of the iterative baselines, at least 2
 */
public record FrontierSettings(
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
        List<Double> budgets,
        int iterations) {

    /**
     * The methods of the frontier, in the order they run at each budget (dense first, once per
     * model and seed).
     */
    public static final List<Method> METHODS =
            List.of(
                    Method.DENSE,
                    Method.HESSO_PER_GROUP,
                    Method.HESSO_MACS,
                    Method.HESSO_MACS_BANDED,
                    Method.ONESHOT_L2_PER_GROUP,
                    Method.ITERATIVE_L2_PER_GROUP,
                    Method.RANDOM_PER_GROUP,
                    Method.SCRATCH_PER_GROUP,
                    Method.ITERATIVE_L2_GLOBAL_NORM);

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
     * @param budgets the MAC budgets
     * @param iterations the iterative removals
     * @throws IllegalArgumentException naming the option, its value and the valid range
     */
    public FrontierSettings {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(outputDirectory, "outputDirectory");
        models = List.copyOf(models);
        methods = List.copyOf(methods);
        seeds = List.copyOf(seeds);
        budgets = List.copyOf(budgets);
        if (budgets.isEmpty()) {
            throw new IllegalArgumentException("--budgets needs at least one value, e.g. 0.2");
        }
        for (double b : budgets) {
            if (!(b > 0 && b < 1)) {
                throw new IllegalArgumentException(
                        "--budgets values are fractions of the dense MACs in (0, 1), got " + b);
            }
        }
        for (Method m : methods) {
            if (!METHODS.contains(m)) {
                throw new IllegalArgumentException(
                        "--methods: "
                                + m.label()
                                + " is not a frontier method; valid: "
                                + METHODS.stream()
                                        .map(Method::label)
                                        .collect(Collectors.joining(", ")));
            }
        }
        // the shared budget's checks (models, seeds, epochs, images, steps) are the accuracy
        // benchmark's
        training(
                dataDirectory,
                outputDirectory,
                models,
                seeds,
                epochs,
                batchSize,
                trainLimit,
                testLimit,
                learningRate,
                iterations);
    }

    private static AccuracySettings training(
            Path data,
            Path out,
            List<String> models,
            List<Integer> seeds,
            int epochs,
            int batchSize,
            int trainLimit,
            int testLimit,
            float learningRate,
            int iterations) {
        return new AccuracySettings(
                data,
                out,
                models,
                List.of(Method.DENSE),
                seeds,
                epochs,
                batchSize,
                trainLimit,
                testLimit,
                learningRate,
                List.of(0.5),
                List.of(),
                0.5,
                iterations);
    }

    /**
     * Returns the training budget shared by every trial, as the accuracy benchmark's settings that
     * {@link TrialRunner} reads (its targets are not used: every frontier trial carries its MAC
     * budget).
     *
     * @return the settings
     */
    public AccuracySettings training() {
        return training(
                dataDirectory,
                outputDirectory,
                models,
                seeds,
                epochs,
                batchSize,
                trainLimit,
                testLimit,
                learningRate,
                iterations);
    }

    /**
     * The {@code --quick} budget, under a minute on 2 cores: the first 1,600 training and 1,000
     * test images, batch 64, 2 epochs (50 steps per method, the fewest HESSO's five periods allow),
     * one seed, both models, every method at 20% of the dense MACs.
     *
     * @param data the data directory
     * @param out the output directory
     * @return the settings
     */
    public static FrontierSettings quick(Path data, Path out) {
        return new FrontierSettings(
                data,
                out,
                BenchModels.names(),
                METHODS,
                List.of(1),
                2,
                64,
                1_600,
                1_000,
                0.05f,
                List.of(0.2),
                AccuracySettings.PRUNING_PERIODS);
    }

    /**
     * The full budget: all 60,000 training and 10,000 test images, batch 128, 2 epochs (938 steps
     * per method), seeds 1, 2 and 3, both CNNs, budgets of 20% and 10% of the dense MACs (102
     * trials, about 1.5 to 2 hours on 2 cores; 78 of them took 71 minutes). The accuracy benchmark
     * trains 6 epochs; at the 13 to 17 steps a second of that run, 102 trials of 6 epochs would
     * take 5 to 6 hours, so the frontier trains two and says so in its header line.
     *
     * @param data the data directory
     * @param out the output directory
     * @return the settings
     */
    public static FrontierSettings full(Path data, Path out) {
        return new FrontierSettings(
                data,
                out,
                BenchModels.names(),
                METHODS,
                List.of(1, 2, 3),
                2,
                128,
                AccuracySettings.TRAIN_IMAGES,
                AccuracySettings.TEST_IMAGES,
                0.05f,
                List.of(0.2, 0.1),
                AccuracySettings.PRUNING_PERIODS);
    }

    /**
     * Returns the optimizer steps of every method's run.
     *
     * @return {@code epochs * ceil(trainLimit / batchSize)}
     */
    public int totalSteps() {
        return training().totalSteps();
    }

    /**
     * Returns the trials in the order they run: per model and seed, dense once, then for each
     * budget (largest first) the chosen methods in the order of {@link #METHODS}.
     *
     * @return the trials
     */
    public List<Trial> trials() {
        List<Double> order = budgets.stream().distinct().sorted(Comparator.reverseOrder()).toList();
        List<Trial> out = new ArrayList<>();
        for (String model : models) {
            for (int seed : seeds) {
                if (methods.contains(Method.DENSE)) {
                    out.add(new Trial(model, Method.DENSE, 0, seed));
                }
                for (double b : order) {
                    for (Method m : METHODS) {
                        if (m != Method.DENSE && methods.contains(m)) {
                            out.add(new Trial(model, m, 0, seed, b));
                        }
                    }
                }
            }
        }
        return out;
    }
}
