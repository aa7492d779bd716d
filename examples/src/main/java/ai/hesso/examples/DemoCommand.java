package ai.hesso.examples;

import ai.djl.translate.TranslateException;
import ai.hesso.examples.demo.ChannelCensus.GroupCensus;
import ai.hesso.examples.demo.DemoResult;
import ai.hesso.examples.demo.DemoRun;
import ai.hesso.examples.demo.DemoSettings;
import java.io.IOException;
import java.io.PrintWriter;
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
 * from the arrays) and the parameters left once they are removed; with {@code --compare-dense},
 * also the same model trained with DJL's plain SGD. The pipeline is {@link DemoRun}.
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
                targetMacs);
    }

    /**
     * Runs the demo and prints its report.
     *
     * @return 0 on success, 2 on a bad option (one line on standard error)
     * @throws IOException if the data cannot be read
     * @throws TranslateException if DJL cannot batch the data
     */
    @Override
    public Integer call() throws IOException, TranslateException {
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
        if (settings.targetMacs() != null) {
            out.printf(
                    "MAC budget %.2f of the dense model's MACs replaces the group sparsity target%n",
                    settings.targetMacs());
        }
        out.flush();
        long start = System.nanoTime();
        DemoResult result = new DemoRun(settings, out).run();
        print(out, result, (System.nanoTime() - start) / 1e9);
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
        out.printf("wall time              %.0f s%n", seconds);
        out.flush();
    }
}
