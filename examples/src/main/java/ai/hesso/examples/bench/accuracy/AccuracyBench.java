package ai.hesso.examples.bench.accuracy;

import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import ai.hesso.examples.data.FashionMnist;
import ai.hesso.examples.demo.SeededSampler;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every {@link Trial} of the settings in one process and writes {@code results.json} (after
 * each trial, so that a stopped run keeps what it finished) and the plots.
 */
public final class AccuracyBench {

    /** The name of the results file in the output directory. */
    public static final String RESULTS_FILE = "results.json";

    private static final Logger LOG = LoggerFactory.getLogger(AccuracyBench.class);

    private final AccuracySettings settings;
    private final List<Trial> trials;
    private final String plotPrefix;
    private LongConsumer progress = steps -> {};
    private Consumer<String> status = label -> {};
    private TrialRunner.Inspector inspector = (t, b, r, m, c) -> {};

    /**
     * What a run produced.
     *
     * @param rows one row per trial, in the order run
     * @param results the JSON file
     * @param plots the PNG files, one per model
     * @param seconds the wall time of the whole run
     */
    public record Outcome(List<ResultRow> rows, Path results, List<Path> plots, double seconds) {}

    /**
     * Creates a benchmark.
     *
     * @param settings the settings
     */
    public AccuracyBench(AccuracySettings settings) {
        this(settings, settings.trials(), AccuracyPlot.PREFIX);
    }

    /**
     * Creates a benchmark that runs the given trials with the settings' shared budget ({@link
     * FrontierBench} does).
     *
     * @param settings the data and the training budget
     * @param trials the trials, in the order they run
     * @param plotPrefix the start of the plots' file names
     */
    AccuracyBench(AccuracySettings settings, List<Trial> trials, String plotPrefix) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.trials = List.copyOf(trials);
        this.plotPrefix = Objects.requireNonNull(plotPrefix, "plotPrefix");
    }

    /**
     * Sets what is told of the progress.
     *
     * @param steps told each optimizer step done
     * @param trial told the label of each trial as it starts
     * @return this benchmark
     */
    public AccuracyBench optProgress(LongConsumer steps, Consumer<String> trial) {
        this.progress = Objects.requireNonNull(steps, "steps");
        this.status = Objects.requireNonNull(trial, "trial");
        return this;
    }

    /**
     * Sets a hook that sees each trained model before it is closed (for tests).
     *
     * @param inspector the hook
     * @return this benchmark
     */
    public AccuracyBench optInspector(TrialRunner.Inspector inspector) {
        this.inspector = Objects.requireNonNull(inspector, "inspector");
        return this;
    }

    /**
     * Returns the optimizer steps of the whole run, for a progress bar.
     *
     * @return trials times steps per trial
     */
    public long totalSteps() {
        return (long) trials.size() * settings.totalSteps();
    }

    /**
     * Runs the benchmark.
     *
     * @return the rows and files
     * @throws IOException if the data cannot be read or the results cannot be written
     * @throws TranslateException if DJL cannot batch the data
     */
    public Outcome run() throws IOException, TranslateException {
        long start = System.nanoTime();
        Files.createDirectories(settings.outputDirectory());
        Path results = settings.outputDirectory().resolve(RESULTS_FILE);
        List<ResultRow> rows = new ArrayList<>();
        try (TestImages test = TestImages.load(settings.dataDirectory(), settings.testLimit())) {
            String current = null;
            FashionMnist train = null;
            TrialRunner runner = null;
            try {
                for (Trial trial : trials) {
                    String key = trial.model() + "|" + trial.seed();
                    if (!key.equals(current)) {
                        if (train != null) {
                            train.close();
                        }
                        SeededSampler shuffle = new SeededSampler(trial.seed());
                        train = trainingSet(shuffle);
                        runner =
                                new TrialRunner(settings, train, shuffle, test, progress)
                                        .optInspector(inspector);
                        current = key;
                    }
                    status.accept(trial.label());
                    ResultRow row = runner.run(trial);
                    LOG.info(
                            "{}: test accuracy {}, MACs {}, {} s",
                            trial.label(),
                            row.testAccuracy(),
                            row.flops(),
                            Math.round(row.seconds()));
                    rows.add(row);
                    write(withStepTimeRatios(rows), results);
                }
            } finally {
                if (train != null) {
                    train.close();
                }
            }
        }
        rows = withStepTimeRatios(rows);
        write(rows, results);
        List<Path> plots = AccuracyPlot.write(rows, settings.outputDirectory(), plotPrefix);
        return new Outcome(rows, results, plots, (System.nanoTime() - start) / 1e9);
    }

    private FashionMnist trainingSet(SeededSampler shuffle) throws IOException, TranslateException {
        FashionMnist train =
                FashionMnist.builder()
                        .optDirectory(settings.dataDirectory())
                        .optUsage(Dataset.Usage.TRAIN)
                        .optLimit(settings.trainLimit())
                        .setSampling(new BatchSampler(shuffle, settings.batchSize()))
                        .build();
        try {
            train.prepare();
        } catch (IOException | TranslateException | RuntimeException e) {
            train.close();
            throw e;
        }
        return train;
    }

    /**
     * Sets each HESSO row's step-time ratio: its training-loop time over dense's for the same model
     * and seed, when dense ran.
     */
    static List<ResultRow> withStepTimeRatios(List<ResultRow> rows) {
        Map<String, Double> dense = new HashMap<>();
        for (ResultRow r : rows) {
            if (r.method().equals(Method.DENSE.label())) {
                dense.put(r.model() + "|" + r.seed(), r.seconds());
            }
        }
        List<ResultRow> out = new ArrayList<>();
        for (ResultRow r : rows) {
            Double d = dense.get(r.model() + "|" + r.seed());
            boolean hesso = Method.of(r.method()).hesso();
            out.add(hesso && d != null && d > 0 ? r.withStepTimeRatio(r.seconds() / d) : r);
        }
        return out;
    }

    /**
     * Writes rows as a JSON array.
     *
     * @param rows the rows
     * @param file the file
     * @throws IOException if writing fails
     */
    static void write(List<ResultRow> rows, Path file) throws IOException {
        Gson gson = new GsonBuilder().setPrettyPrinting().create();
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            gson.toJson(rows, w);
        }
    }
}
