package ai.hesso.examples;

import ai.djl.translate.TranslateException;
import ai.hesso.examples.bench.accuracy.AccuracyBench;
import ai.hesso.examples.bench.accuracy.AccuracySettings;
import ai.hesso.examples.bench.accuracy.Method;
import ai.hesso.examples.bench.accuracy.ResultsTable;
import ai.hesso.examples.progress.ProgressBars;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hesso bench accuracy}: HESSO against dense training and the baselines on Fashion-MNIST
 * ({@link AccuracyBench}), with a progress bar over the whole run, a table on the terminal, and
 * {@code results.json} and the plots in {@code --out}. Without options it runs the full budget of
 * {@link AccuracySettings#full}; {@code --quick} starts from {@link AccuracySettings#quick}; every
 * other option overrides the preset's value.
 */
@Command(
        name = "accuracy",
        mixinStandardHelpOptions = true,
        description = {
            "Compare HESSO with dense training, one-shot and iterative group-L2 pruning, random"
                    + " pruning and HESSO's architecture trained from scratch: same data, seeds,"
                    + " epochs and node groups; writes results.json and accuracy-vs-MACs plots.",
            "Without --quick: all 60,000 images, 6 epochs, seeds 1,2,3, baselines at 0.7 (about"
                    + " 80 minutes on 2 cores)."
        })
public final class BenchAccuracyCommand implements Callable<Integer> {

    @Mixin private DataDirOption data;

    @Mixin private TrialBudgetOptions budget;

    @Option(
            names = "--quick",
            description =
                    "reduced budget, under a minute: 1,792 training and 1,000 test images, batch"
                            + " 64, 2 epochs, one seed, baselines at 0.7 only")
    private boolean quick;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "bench-accuracy",
            description = "output directory (default: ${DEFAULT-VALUE})")
    private Path out;

    @Option(
            names = "--methods",
            paramLabel = "M",
            split = ",",
            description =
                    "dense,hesso,hesso-cric,hesso-macs,hesso-per-group,oneshot-l2,iterative-l2,"
                            + "iterative-l2-per-group,random,scratch")
    private List<String> methods;

    @Option(
            names = "--sparsities",
            paramLabel = "S",
            split = ",",
            description = "HESSO's targets, e.g. 0.5,0.7")
    private List<Double> sparsities;

    @Option(
            names = "--baseline-sparsities",
            paramLabel = "S",
            split = ",",
            description = "targets of the baselines and scratch (each one of --sparsities)")
    private List<Double> baselineSparsities;

    @Option(names = "--cric-sparsity", paramLabel = "S", description = "HESSO-CRIC's target")
    private Double cricSparsity;

    @Option(names = "--iterations", paramLabel = "N", description = "removals of iterative-l2")
    private Integer iterations;

    @Spec private CommandSpec spec;

    /** Creates the command; picocli fills the options. */
    public BenchAccuracyCommand() {}

    /**
     * Returns the settings: the preset with the given options applied.
     *
     * @return the settings
     * @throws IllegalArgumentException naming the first bad option, its value and the valid range
     */
    public AccuracySettings settings() {
        AccuracySettings p =
                quick
                        ? AccuracySettings.quick(data.directory(), out)
                        : AccuracySettings.full(data.directory(), out);
        return new AccuracySettings(
                data.directory(),
                out,
                budget.models(p.models()),
                methods != null ? methods.stream().map(Method::of).toList() : p.methods(),
                budget.seeds(p.seeds()),
                budget.epochs(p.epochs()),
                budget.batchSize(p.batchSize()),
                budget.trainLimit(p.trainLimit()),
                budget.testLimit(p.testLimit()),
                budget.learningRate(p.learningRate()),
                sparsities != null ? sparsities : p.sparsities(),
                baselineSparsities != null ? baselineSparsities : p.baselineSparsities(),
                cricSparsity != null ? cricSparsity : p.cricSparsity(),
                iterations != null ? iterations : p.iterations());
    }

    /**
     * Runs the benchmark and prints its table.
     *
     * @return 0 on success, 2 on a bad option
     * @throws IOException if the data cannot be read or the results written
     * @throws TranslateException if DJL cannot batch the data
     */
    @Override
    public Integer call() throws IOException, TranslateException {
        AccuracySettings s;
        try {
            s = settings();
        } catch (IllegalArgumentException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("hesso bench accuracy: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf(
                Locale.ROOT,
                "Fashion-MNIST %d train / %d test images; models %s; seeds %s; %d epochs x %d"
                        + " steps (batch %d); SGD momentum %.1f, lr %s cosine to 1%%; %d trials%n",
                s.trainLimit(),
                s.testLimit(),
                s.models(),
                s.seeds(),
                s.epochs(),
                s.stepsPerEpoch(),
                s.batchSize(),
                AccuracySettings.MOMENTUM,
                s.learningRate(),
                s.trials().size());
        w.flush();
        AccuracyBench bench = new AccuracyBench(s);
        AccuracyBench.Outcome outcome;
        try (ProgressBar bar =
                ProgressBars.start("bench accuracy", bench.totalSteps(), " steps", w)) {
            outcome = bench.optProgress(bar::stepBy, m -> ProgressBars.say(bar, m)).run();
        }
        w.println();
        w.print(ResultsTable.format(outcome.rows()));
        w.printf(Locale.ROOT, "results: %s%n", outcome.results());
        for (Path p : outcome.plots()) {
            w.printf(Locale.ROOT, "plot:    %s%n", p);
        }
        w.printf(Locale.ROOT, "wall time %.0f s%n", outcome.seconds());
        w.flush();
        return 0;
    }
}
