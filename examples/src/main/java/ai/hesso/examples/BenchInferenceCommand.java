package ai.hesso.examples;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.hesso.examples.bench.InferenceBench;
import ai.hesso.examples.bench.InferenceBenchSettings;
import ai.hesso.examples.bench.InferenceRounds;
import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hesso bench inference}: inference latency and throughput of the demo CNN with a share of
 * its channels removed against the same model zeroed at full size, on the CPU, at several batch
 * sizes, measured in one run ({@link InferenceBench}): the zeroed, the compact and the folded
 * compact model in DJL's PyTorch engine and the exported compact model in ONNX Runtime. Prints the
 * MAC ratio, each one's median sample time, throughput and speedup over the zeroed model (median of
 * per-round ratios), and the compact model's speedup as a share of the MAC reduction against the
 * target {@value InferenceBenchSettings#TARGET}.
 */
@Command(
        name = "inference",
        mixinStandardHelpOptions = true,
        description =
                "Time inference of the compact demo CNN against the zeroed full-size one, side by"
                        + " side.")
public final class BenchInferenceCommand implements Callable<Integer> {

    @Option(
            names = "--sparsity",
            paramLabel = "S",
            defaultValue = "0.5",
            description =
                    "share of every prunable group's channels zeroed in a fresh model (default:"
                            + " ${DEFAULT-VALUE})")
    private double sparsity;

    @Option(
            names = "--trained",
            paramLabel = "DIR",
            description =
                    "compact the trained model hesso demo saved in DIR (e.g."
                            + " target/hesso-demo/dense) instead of zeroing a fresh one")
    private Path trained;

    @Option(
            names = "--batch-sizes",
            paramLabel = "N",
            split = ",",
            defaultValue = "1,16,256",
            description = "batch sizes to time (default: ${DEFAULT-VALUE})")
    private List<Integer> batchSizes;

    @Option(
            names = "--rounds",
            paramLabel = "N",
            defaultValue = "30",
            description = "timed rounds per batch size (default: ${DEFAULT-VALUE})")
    private int rounds;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            defaultValue = "5",
            description = "untimed rounds per batch size first (default: ${DEFAULT-VALUE})")
    private int warmup;

    @Option(
            names = "--images-per-sample",
            paramLabel = "N",
            defaultValue = "512",
            description =
                    "images one timed sample covers; small batches run several passes (default:"
                            + " ${DEFAULT-VALUE})")
    private int imagesPerSample;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "42",
            description =
                    "seed of the weights, the zeroed channels and the images (default:"
                            + " ${DEFAULT-VALUE})")
    private int seed;

    @Spec private CommandSpec spec;

    /** Creates the command; picocli fills the options. */
    public BenchInferenceCommand() {}

    /**
     * Returns the settings the options describe.
     *
     * @return the settings
     * @throws IllegalArgumentException naming the first bad option, its value and the valid range
     */
    public InferenceBenchSettings settings() {
        return new InferenceBenchSettings(
                Optional.ofNullable(trained),
                sparsity,
                batchSizes,
                rounds,
                warmup,
                imagesPerSample,
                seed);
    }

    /**
     * Runs the benchmark and prints one row per batch size.
     *
     * @return 0 when the targets hold (at batch 1 some runtime, at batch {@value
     *     InferenceBenchSettings#LARGE_BATCH} and more every runtime, at least 0.7 of the MAC
     *     reduction), 1 when one does not or the trained model cannot be read (one line on standard
     *     error), 2 on a bad option
     */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        InferenceBenchSettings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            err.println("hesso bench inference: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        InferenceBench.Result r;
        try {
            r = new InferenceBench(settings).run();
        } catch (IOException | MalformedModelException e) {
            err.println("hesso bench inference: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.SOFTWARE;
        }
        out.printf(
                "fashion-cnn: %d of %d prunable channels removed (%s); parameters %,d -> %,d,"
                        + " MACs per image %,d -> %,d: MAC ratio %.3f, reduction x%.2f%n",
                r.removedChannels(),
                r.prunableChannels(),
                settings.trainedModel()
                        .map(d -> "the exact zeros of the trained model in " + d)
                        .orElse(
                                String.format(
                                        Locale.ROOT,
                                        "%.0f%% of every group zeroed, seed %d",
                                        100 * settings.sparsity(),
                                        settings.seed())),
                r.report().before().parameters(),
                r.report().after().parameters(),
                r.report().before().macs(),
                r.report().after().macs(),
                1 / r.macReduction(),
                r.macReduction());
        out.printf(
                "%s %s on the CPU, %d intra-op threads (ONNX Runtime %s, as many); per batch size"
                        + " %d warm-up + %d timed rounds, the four in turn; x = median over rounds"
                        + " of zeroed time / its time%n",
                Engine.getInstance().getEngineName(),
                Engine.getInstance().getVersion(),
                JniUtils.getNumThreads(),
                OrtEnvironment.getEnvironment().getVersion(),
                settings.warmupRounds(),
                settings.rounds());
        out.printf(
                "%5s %6s %-12s %10s %10s %7s %8s%n",
                "batch", "passes", "model", "ms/round", "images/s", "x", "x/MACx");
        boolean pass = true;
        for (InferenceRounds.Timing t : r.timings()) {
            double best = 0;
            double worst = Double.POSITIVE_INFINITY;
            for (int i = 0; i < t.names().size(); i++) {
                double share = t.speedup(i) / r.macReduction();
                out.printf(
                        "%5d %6d %-12s %10.2f %10.0f %7.2f %8.2f%n",
                        t.batchSize(),
                        t.callsPerSample(),
                        t.names().get(i),
                        t.medianMs(i),
                        t.imagesPerSecond(i),
                        t.speedup(i),
                        share);
                // the zeroed model is the reference, not a contender
                if (i > 0) {
                    best = Math.max(best, share);
                    worst = Math.min(worst, share);
                }
            }
            // the targets: at batch 1 some runtime, at the large batch every runtime, gets
            // at least 0.7 of the MAC reduction; batch sizes between are reported only
            String target;
            if (t.batchSize() == 1) {
                boolean ok = best >= InferenceBenchSettings.TARGET;
                pass &= ok;
                target =
                        String.format(
                                Locale.ROOT,
                                "best runtime %.2f of the MAC reduction, target: some >= %.1f: %s",
                                best,
                                InferenceBenchSettings.TARGET,
                                ok ? "PASS" : "MISS");
            } else if (t.batchSize() >= InferenceBenchSettings.LARGE_BATCH) {
                boolean ok = worst >= InferenceBenchSettings.TARGET;
                pass &= ok;
                target =
                        String.format(
                                Locale.ROOT,
                                "slowest runtime %.2f of the MAC reduction, target: every >= %.1f:"
                                        + " %s",
                                worst,
                                InferenceBenchSettings.TARGET,
                                ok ? "PASS" : "MISS");
            } else {
                target =
                        String.format(
                                Locale.ROOT,
                                "runtimes %.2f to %.2f of the MAC reduction (no target at this"
                                        + " batch size)",
                                worst,
                                best);
            }
            out.printf("%5d %s%n", t.batchSize(), target);
        }
        out.flush();
        return pass ? 0 : 1;
    }
}
