package ai.hesso.examples;

import ai.djl.translate.TranslateException;
import ai.hesso.examples.bench.accuracy.AccuracyBench;
import ai.hesso.examples.bench.accuracy.FrontierBench;
import ai.hesso.examples.bench.accuracy.FrontierSettings;
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
 * {@code hesso bench frontier}: accuracy at equal compute ({@link FrontierBench}). Every method is
 * brought to each MAC budget by its own rule and trained with {@code bench accuracy}'s protocol;
 * prints a table, writes {@code results.json} and one {@code frontier-<model>.png} per model into
 * {@code --out}. Without options it runs {@link FrontierSettings#full}; {@code --quick} starts from
 * {@link FrontierSettings#quick}; every other option overrides the preset's value.
 */
@Command(
        name = "frontier",
        mixinStandardHelpOptions = true,
        description = {
            "Accuracy at equal MACs: per-layer pruning (magnitude one-shot and iterative, random,"
                    + " scratch, HESSO per-group) at the per-group fraction that meets each MAC"
                    + " budget on the cost model, HESSO with the MAC budget (alone and within"
                    + " group floors and caps), and Torch-Pruning's"
                    + " normalised global magnitude pruner to the budget; writes results.json and"
                    + " accuracy-vs-MACs plots.",
            "Without --quick: all 60,000 images, 2 epochs, seeds 1,2,3, budgets 0.2,0.1 (102"
                    + " trials, about 1.5 to 2 hours on 2 cores)."
        })
public final class BenchFrontierCommand implements Callable<Integer> {

    @Mixin private DataDirOption data;

    @Mixin private TrialBudgetOptions budget;

    @Option(
            names = "--quick",
            description =
                    "reduced budget, under a minute: 1,600 training and 1,000 test images, batch"
                            + " 64, 2 epochs, one seed, budget 0.2 only")
    private boolean quick;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "bench-frontier",
            description = "output directory (default: ${DEFAULT-VALUE})")
    private Path out;

    @Option(
            names = "--methods",
            paramLabel = "M",
            split = ",",
            description =
                    "dense,hesso-per-group,hesso-macs,hesso-macs-banded,oneshot-l2-per-group,"
                            + "iterative-l2-per-group,"
                            + "random-per-group,scratch-per-group,iterative-l2-global-norm")
    private List<String> methods;

    @Option(
            names = "--budgets",
            paramLabel = "F",
            split = ",",
            description = "fractions of the dense MACs to keep, e.g. 0.4,0.2,0.1")
    private List<Double> budgets;

    @Option(names = "--iterations", paramLabel = "N", description = "removals of iterative-l2-*")
    private Integer iterations;

    @Spec private CommandSpec spec;

    /** Creates the command; picocli fills the options. */
    public BenchFrontierCommand() {}

    /**
     * Returns the settings: the preset with the given options applied.
     *
     * @return the settings
     * @throws IllegalArgumentException naming the first bad option, its value and the valid range
     */
    public FrontierSettings settings() {
        FrontierSettings p =
                quick
                        ? FrontierSettings.quick(data.directory(), out)
                        : FrontierSettings.full(data.directory(), out);
        return new FrontierSettings(
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
                budgets != null ? budgets : p.budgets(),
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
        FrontierSettings s;
        try {
            s = settings();
        } catch (IllegalArgumentException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("hesso bench frontier: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf(
                Locale.ROOT,
                "Fashion-MNIST %d train / %d test images; models %s; seeds %s; MAC budgets %s;"
                        + " %d epochs x %d steps (batch %d); SGD momentum 0.9, lr %s cosine to 1%%;"
                        + " %d trials%n",
                s.trainLimit(),
                s.testLimit(),
                s.models(),
                s.seeds(),
                s.budgets(),
                s.epochs(),
                s.training().stepsPerEpoch(),
                s.batchSize(),
                s.learningRate(),
                s.trials().size());
        w.flush();
        FrontierBench bench = new FrontierBench(s);
        AccuracyBench.Outcome outcome;
        try (ProgressBar bar =
                ProgressBars.start("bench frontier", bench.totalSteps(), " steps", w)) {
            outcome = bench.optProgress(bar::stepBy, m -> ProgressBars.say(bar, m)).run();
        }
        w.println();
        w.print(ResultsTable.formatFrontier(outcome.rows()));
        w.printf(Locale.ROOT, "results: %s%n", outcome.results());
        for (Path p : outcome.plots()) {
            w.printf(Locale.ROOT, "plot:    %s%n", p);
        }
        w.printf(Locale.ROOT, "wall time %.0f s%n", outcome.seconds());
        w.flush();
        return 0;
    }
}
