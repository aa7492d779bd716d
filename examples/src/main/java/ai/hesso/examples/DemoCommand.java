package ai.hesso.examples;

import ai.djl.MalformedModelException;
import ai.djl.translate.TranslateException;
import ai.hesso.djl.compact.BlockCost;
import ai.hesso.examples.bench.PairedInference;
import ai.hesso.examples.demo.ChannelCensus.GroupCensus;
import ai.hesso.examples.demo.CompactionSummary;
import ai.hesso.examples.demo.DemoChecks;
import ai.hesso.examples.demo.DemoResult;
import ai.hesso.examples.demo.DemoRun;
import ai.hesso.examples.demo.DemoSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hesso demo}: trains a VGG-style CNN with batch norm on Fashion-MNIST with HESSO and shows
 * what it pruned: test accuracy, group sparsity, the exactly-zero channels of each node group (read
 * from the arrays) and the parameters left once they are removed; then compacts the model into a
 * physically smaller one, checks it against the zeroed model on the test set, times both, saves
 * both and reloads the compact one. With {@code --compare-dense}, also the same model trained with
 * DJL's plain SGD. The pipeline is {@link DemoRun}.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Train a CNN on Fashion-MNIST with HESSO and report what it pruned.")
public final class DemoCommand implements Callable<Integer> {

    @Mixin private DataDirOption data;

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
            defaultValue = "0.5",
            description = "target group sparsity in [0, 1) (default: ${DEFAULT-VALUE})")
    private double sparsity;

    @Option(
            names = "--target-macs",
            paramLabel = "F",
            description =
                    "prune to a compute budget instead of --sparsity: keep at most this fraction"
                            + " of the dense model's MACs, in (0, 1)")
    private Double targetMacs;

    @Option(
            names = "--lr",
            paramLabel = "LR",
            defaultValue = "0.05",
            description = "SGD learning rate, momentum 0.9 (default: ${DEFAULT-VALUE})")
    private float learningRate;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "42",
            description = "seed of the weights and the shuffling (default: ${DEFAULT-VALUE})")
    private int seed;

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
            names = "--compare-dense",
            description = "also train the same model with DJL's plain SGD and compare")
    private boolean compareDense;

    @Option(
            names = "--save",
            paramLabel = "DIR",
            defaultValue = DemoSettings.DEFAULT_SAVE_DIRECTORY,
            description =
                    "where to save the zeroed (DIR/dense) and the compact (DIR/compact) model"
                            + " (default: ${DEFAULT-VALUE})")
    private Path saveDirectory;

    @Option(
            names = "--timing-rounds",
            paramLabel = "N",
            defaultValue = "" + DemoSettings.DEFAULT_TIMING_ROUNDS,
            description =
                    "timed rounds of the side-by-side inference timing (default:"
                            + " ${DEFAULT-VALUE})")
    private int timingRounds;

    /** The exit code of a run whose own checks failed ({@link DemoChecks}). */
    static final int CHECK_FAILED = 1;

    @Spec private CommandSpec spec;

    /** Creates the command; picocli fills the options. */
    public DemoCommand() {}

    /**
     * Returns the settings the options describe.
     *
     * @return the settings
     * @throws IllegalArgumentException naming the first bad option, its value and the valid range
     */
    public DemoSettings settings() {
        return new DemoSettings(
                data.directory(),
                epochs,
                batchSize,
                sparsity,
                learningRate,
                seed,
                limit,
                testLimit,
                compareDense,
                saveDirectory,
                timingRounds,
                targetMacs);
    }

    /**
     * Runs the demo and prints its report.
     *
     * @return 0 on success, 1 when one of the run's own checks fails ({@link DemoChecks}, one line
     *     each on standard error), 2 on a bad option (one line on standard error)
     * @throws IOException if the data cannot be read
     * @throws TranslateException if DJL cannot batch the data
     * @throws MalformedModelException if the saved compact model cannot be loaded back
     */
    @Override
    public Integer call() throws IOException, TranslateException, MalformedModelException {
        DemoSettings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("hesso demo: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        DemoSettings.Schedule s = settings.schedule();
        out.printf(
                "Fashion-MNIST %d train / %d test images; fashion-cnn (conv 16-16-32-32-64 + BN);"
                        + " batch %d, %d epochs = %d steps%n",
                settings.trainLimit(),
                settings.testLimit(),
                settings.batchSize(),
                settings.epochs(),
                s.totalSteps());
        out.printf(
                "HESSO-SGD lr %s momentum %.1f, target group sparsity %.2f: warm-up %d steps,"
                        + " %d periods over %d steps, pruned by step %d%n",
                settings.learningRate(),
                DemoSettings.MOMENTUM,
                settings.sparsity(),
                s.startPruningStep(),
                s.pruningPeriods(),
                s.pruningSteps(),
                s.prunedByStep());
        s.shortRunNote().ifPresent(out::println);
        NumericEnvironment numerics = NumericEnvironment.current();
        out.println(numerics.describe());
        if (!numerics.isReference()) {
            out.println(
                    "note: the README's numbers were measured with "
                            + NumericEnvironment.REFERENCE.describe()
                            + " (bin/hesso's defaults); here "
                            + String.join(", ", numerics.differences())
                            + ", so the results differ");
        }
        if (settings.targetMacs() != null) {
            out.printf(
                    "MAC budget %.2f of the dense model's MACs replaces the group sparsity target%n",
                    settings.targetMacs());
        }
        out.flush();
        long start = System.nanoTime();
        DemoResult result = new DemoRun(settings, out).run();
        print(out, result, (System.nanoTime() - start) / 1e9);
        List<String> failures = DemoChecks.failures(result);
        if (!failures.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            failures.forEach(f -> err.println("hesso demo: check failed: " + f));
            err.flush();
            return CHECK_FAILED;
        }
        out.println(
                "checks                 passed (zero channels = pruned, compact = zeroed,"
                        + " reloaded = compact, ONNX Runtime = compact)");
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, DemoResult r, double seconds) {
        out.println();
        if (r.dense().isPresent()) {
            DemoResult.Training d = r.dense().get();
            out.printf("%-22s %10s %10s%n", "", "HESSO", "SGD dense");
            out.printf(
                    "%-22s %10.4f %10.4f%n",
                    "test accuracy", r.hesso().testAccuracy(), d.testAccuracy());
            out.printf(
                    "%-22s %10.4f %10.4f%n",
                    "train acc (last epoch)", r.hesso().trainAccuracy(), d.trainAccuracy());
            out.printf("%-22s %9.0fs %9.0fs%n", "training time", r.hesso().seconds(), d.seconds());
            // Measured: DJL's SGD alone takes as long as HESSO when it runs first in the JVM; the
            // first minute or so of a process is slower for whichever optimizer runs in it.
            out.println(
                    "  (HESSO ran first, in a cold JVM; per step both cost the same: bin/hesso"
                            + " bench)");
        } else {
            out.printf("test accuracy          %.4f%n", r.hesso().testAccuracy());
            out.printf("train acc (last epoch) %.4f%n", r.hesso().trainAccuracy());
        }
        out.printf(
                "group sparsity         %.3f: %d of %d channels exactly zero (HESSO: %d pruned,"
                        + " target %d)%n",
                (double) r.zeroChannels() / r.prunableChannels(),
                r.zeroChannels(),
                r.prunableChannels(),
                r.metrics().pruned(),
                r.metrics().targetChannels());
        out.println("zero channels per node group:");
        for (GroupCensus g : r.groups()) {
            out.printf("  %-16s %3d / %-3d%n", g.name(), g.zeroChannels(), g.channels());
        }
        out.printf(
                "trainable parameters   %,d dense -> %,d without the zero channels (%.1f%%)%n",
                r.denseParameters(),
                r.compactParameters(),
                100.0 * r.compactParameters() / r.denseParameters());
        printCompaction(out, r.compaction());
        out.printf("wall time              %.0f s%n", seconds);
        out.flush();
    }

    private static void printCompaction(PrintWriter out, CompactionSummary c) {
        out.println();
        int zero = c.removed().count();
        out.printf(
                "compaction: HESSO's %d pruned channels removed (%s)%n",
                zero,
                c.removedAreExactlyZero()
                        ? "exactly the channels that are all zero in the arrays"
                        : "NOT the same as the channels that are all zero in the arrays");
        out.print(c.report().format());
        BlockCost before = c.report().before();
        BlockCost after = c.report().after();
        PairedInference.Timing t = c.timing();
        String row = "%-26s %12s %12s%n";
        out.println();
        out.printf(row, "", "zeroed", "compact");
        out.printf(
                row, "test accuracy", fixed(c.zeroed().accuracy()), fixed(c.compact().accuracy()));
        out.printf(
                row,
                "parameters incl. BN stats",
                count(before.parameters()),
                count(after.parameters()));
        out.printf(row, "MACs per image", count(before.macs()), count(after.macs()));
        out.printf(
                "%-26s %12.0f %12.0f   speedup x%.2f for x%.2f fewer MACs (median of %d paired"
                        + " rounds)%n",
                "images/s, batch " + t.batchSize(),
                t.denseImagesPerSecond(),
                t.compactImagesPerSecond(),
                t.speedup(),
                (double) before.macs() / after.macs(),
                t.denseMs().length);
        out.printf(
                "outputs on %d test images: max |compact - zeroed| %.2g, %s%n",
                c.compact().images(),
                c.compact().maxAbsDiff(),
                agreement(c.compactDifferingPredictions(), c.compact().images()));
        out.printf("saved zeroed model      %s%n", c.denseFile());
        out.printf("saved compact model     %s%n", c.compactDirectory());
        out.printf(
                "reloaded compact model  test accuracy %.4f, max |reloaded - compact| %.2g, %s%n",
                c.reloaded().accuracy(),
                c.reloaded().maxAbsDiff(),
                agreement(c.reloadedDifferingPredictions(), c.reloaded().images()));
        out.printf("exported compact model  %s%n", c.onnxFile());
        out.printf(
                "ONNX Runtime            test accuracy %.4f (DJL %.4f), max |onnx - compact| %.2g,"
                        + " %s%n",
                c.onnx().accuracy(),
                c.compact().accuracy(),
                c.onnx().maxAbsDiff(),
                agreement(c.onnxDifferingPredictions(), c.onnx().images()));
    }

    private static String agreement(int differing, int images) {
        return differing == 0
                ? "identical predictions"
                : "predictions differ on " + differing + " of " + images + " images";
    }

    private static String fixed(double accuracy) {
        return String.format(Locale.ROOT, "%.4f", accuracy);
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
