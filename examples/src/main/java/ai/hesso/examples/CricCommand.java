package ai.hesso.examples;

import ai.djl.translate.TranslateException;
import ai.hesso.core.HessoSettings;
import ai.hesso.examples.cric.CricBenchResult;
import ai.hesso.examples.cric.CricBenchRun;
import ai.hesso.examples.cric.CricBenchSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hesso cric}: trains one model on Fashion-MNIST with plain HESSO and with HESSO-CRIC, from
 * the same weights, on the same batches and with the same step budget, for each seed, and prints
 * the test accuracy before pruning, right after it and at the end, with the zero channels per node
 * group. The pipeline is {@link CricBenchRun}; the schedules are {@link CricBenchSettings}'s.
 */
@Command(
        name = "cric",
        mixinStandardHelpOptions = true,
        description =
                "Compare plain HESSO with HESSO-CRIC on Fashion-MNIST: same model, seeds and"
                        + " budget.")
public final class CricCommand implements Callable<Integer> {

    @Mixin private DataDirOption data;

    @Option(
            names = "--model",
            paramLabel = "NAME",
            defaultValue = "narrow-cnn",
            description = "fashion-cnn, narrow-cnn or resnet20 (default: ${DEFAULT-VALUE})")
    private String model;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            defaultValue = "2",
            description = "passes over the training images (default: ${DEFAULT-VALUE})")
    private int epochs;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            defaultValue = "128",
            description = "images per step (default: ${DEFAULT-VALUE})")
    private int batchSize;

    @Option(
            names = "--sparsity",
            paramLabel = "S",
            defaultValue = "0.9",
            description = "target group sparsity in (0, 1) (default: ${DEFAULT-VALUE})")
    private double sparsity;

    @Option(
            names = "--lr",
            paramLabel = "LR",
            defaultValue = "0.05",
            description = "SGD learning rate, momentum 0.9 (default: ${DEFAULT-VALUE})")
    private float learningRate;

    @Option(
            names = "--seeds",
            paramLabel = "N,N",
            split = ",",
            defaultValue = "1,2",
            description = "seeds; each trains both methods (default: ${DEFAULT-VALUE})")
    private List<Integer> seeds;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "60000",
            description = "training images to use, the first N (default: ${DEFAULT-VALUE})")
    private int limit;

    @Option(
            names = "--test-limit",
            paramLabel = "N",
            defaultValue = "10000",
            description = "test images to use, the first N (default: ${DEFAULT-VALUE})")
    private int testLimit;

    @Option(
            names = "--sampling-steps",
            paramLabel = "N",
            defaultValue = "10",
            description = "CRIC's cycle length S (default: ${DEFAULT-VALUE})")
    private int samplingSteps;

    @Option(
            names = "--max-cycles",
            paramLabel = "N",
            defaultValue = "5",
            description = "CRIC's most cycles (default: ${DEFAULT-VALUE})")
    private int maxCycles;

    @Option(
            names = "--loss-weight",
            paramLabel = "W",
            defaultValue = "1.0",
            description = "CRIC's weight of the loss-ratio term (default: ${DEFAULT-VALUE})")
    private double lossWeight;

    @Spec private CommandSpec spec;

    /** Creates the command; picocli fills the options. */
    public CricCommand() {}

    /**
     * Returns the settings the options describe.
     *
     * @return the settings
     * @throws IllegalArgumentException naming the first bad option, its value and the valid range
     */
    public CricBenchSettings settings() {
        return new CricBenchSettings(
                data.directory(),
                model,
                epochs,
                batchSize,
                sparsity,
                learningRate,
                seeds,
                limit,
                testLimit,
                samplingSteps,
                maxCycles,
                lossWeight);
    }

    /**
     * Runs both methods for every seed and prints the table.
     *
     * @return 0 on success, 2 on a bad option (one line on standard error)
     * @throws IOException if the data cannot be read
     * @throws TranslateException if DJL cannot batch the data
     */
    @Override
    public Integer call() throws IOException, TranslateException {
        PrintWriter out = spec.commandLine().getOut();
        CricBenchSettings settings;
        HessoSettings cric;
        CricBenchRun run;
        try {
            settings = settings();
            run = new CricBenchRun(settings, out);
            cric = settings.cricSettings(run.prunableGroups());
        } catch (IllegalArgumentException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("hesso cric: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        HessoSettings hesso = settings.hessoSettings();
        out.printf(
                "Fashion-MNIST %d train / %d test images; %s; batch %d, %d epochs = %d steps;"
                        + " SGD lr %s momentum %.1f; target group sparsity %.2f; seeds %s%n",
                settings.trainLimit(),
                settings.testLimit(),
                settings.model(),
                settings.batchSize(),
                settings.epochs(),
                settings.totalSteps(),
                settings.learningRate(),
                CricBenchSettings.MOMENTUM,
                settings.sparsity(),
                settings.seeds());
        out.printf("HESSO:      %s%n", hesso.schedule().orElseThrow());
        out.printf("HESSO-CRIC: %s%n", cric.cric().orElseThrow());
        out.printf(
                "both: warm-up to step %d, pruned by step %d%n",
                settings.startStep(), settings.prunedByStep());
        out.flush();
        long start = System.nanoTime();
        List<CricBenchResult> results = new ArrayList<>();
        for (int seed : settings.seeds()) {
            results.add(run.run(false, seed, hesso));
            results.add(run.run(true, seed, cric));
        }
        print(out, results, (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private static void print(PrintWriter out, List<CricBenchResult> results, double seconds) {
        out.println();
        out.printf(
                "%-11s %5s %8s %12s %8s %7s %6s  %s%n",
                "method", "seed", "before", "pruned@step", "after", "end", "time", "zero/channels");
        for (CricBenchResult r : results) {
            String groups =
                    r.groups().stream()
                            .map(g -> g.zeroChannels() + "/" + g.channels())
                            .collect(Collectors.joining(" "));
            out.printf(
                    "%-11s %5d %8.4f %12d %8.4f %7.4f %5.0fs  %s%n",
                    r.method(),
                    r.seed(),
                    r.beforePruning(),
                    r.prunedStep(),
                    r.afterPruning(),
                    r.end(),
                    r.seconds(),
                    groups);
        }
        for (String method : List.of("HESSO", "HESSO-CRIC")) {
            List<CricBenchResult> mine =
                    results.stream().filter(r -> r.method().equals(method)).toList();
            out.printf(
                    "%-11s mean  after pruning %.4f  end %.4f%n",
                    method,
                    mine.stream().mapToDouble(CricBenchResult::afterPruning).average().orElse(0),
                    mine.stream().mapToDouble(CricBenchResult::end).average().orElse(0));
        }
        out.printf("wall time %.0f s%n", seconds);
        out.flush();
    }
}
