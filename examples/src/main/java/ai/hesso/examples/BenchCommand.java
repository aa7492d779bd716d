package ai.hesso.examples;

import ai.djl.translate.TranslateException;
import ai.hesso.core.Phase;
import ai.hesso.core.variant.Variant;
import ai.hesso.djl.StepTimings;
import ai.hesso.examples.bench.BenchSettings;
import ai.hesso.examples.bench.RatioSpread;
import ai.hesso.examples.bench.StepBench;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hesso bench}: the training-step time of each HESSO variant (SGD with momentum, Adam,
 * AdamW) against the matching DJL optimizer on the same model and batches, measured side by side in
 * one run ({@link StepBench}), printed as median milliseconds per step and ratios with the targets
 * ({@value BenchSettings#TARGET_OUTSIDE} outside pruning periods, {@value
 * BenchSettings#TARGET_PRUNING} during them) and PASS or FAIL, and the bytes of each optimizer's
 * state. Its subcommands {@code hesso bench accuracy} ({@link BenchAccuracyCommand}), {@code hesso
 * bench frontier} ({@link BenchFrontierCommand}) and {@code hesso bench inference} ({@link
 * BenchInferenceCommand}) compare pruning methods and time inference of a compact model against the
 * zeroed one.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        subcommands = {
            BenchAccuracyCommand.class,
            BenchFrontierCommand.class,
            BenchInferenceCommand.class
        },
        description = {
            "Time HESSO-SGD, -Adam and -AdamW training steps against DJL's Sgd, Adam and AdamW on"
                    + " the same batches, and compare their state's bytes.",
            "'hesso bench accuracy': HESSO against dense and the pruning baselines on Fashion-MNIST.",
            "'hesso bench frontier': every method at the same MAC budgets, accuracy vs MACs.",
            "'hesso bench inference' times the compact demo CNN against the zeroed one."
        })
public final class BenchCommand implements Callable<Integer> {

    @Mixin private DataDirOption data;

    @Option(names = "--synthetic", description = "seeded random images instead of Fashion-MNIST")
    private boolean synthetic;

    @Option(
            names = "--steps",
            paramLabel = "N",
            defaultValue = "300",
            description = "timed steps per optimizer (default: ${DEFAULT-VALUE})")
    private int steps;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            defaultValue = "20",
            description = "untimed steps per optimizer first (default: ${DEFAULT-VALUE})")
    private int warmup;

    @Option(
            names = "--block",
            paramLabel = "N",
            defaultValue = "10",
            description = "steps per optimizer before alternating (default: ${DEFAULT-VALUE})")
    private int block;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            defaultValue = "128",
            description = "images per step (default: ${DEFAULT-VALUE})")
    private int batchSize;

    @Option(
            names = "--batches",
            paramLabel = "N",
            defaultValue = "20",
            description = "distinct batches cycled through (default: ${DEFAULT-VALUE})")
    private int batches;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "42",
            description = "seed of the weights and synthetic data (default: ${DEFAULT-VALUE})")
    private int seed;

    @Option(
            names = "--model",
            paramLabel = "NAME",
            defaultValue = BenchSettings.FASHION_CNN,
            description =
                    "fashion-cnn (41 thousand parameters), resnet50 (DJL's ResNetV1-50, 23.5"
                            + " million, on --synthetic 32x32 images; use a small --batch-size)"
                            + " or transformer (a vision transformer of four DJL"
                            + " TransformerEncoderBlocks, width 512, 8 heads, 2048 hidden, 12.7"
                            + " million) (default: ${DEFAULT-VALUE})")
    private String model;

    @Option(
            names = "--variants",
            paramLabel = "V",
            split = ",",
            defaultValue = "sgd,adam,adamw",
            description =
                    "HESSO variants, each against its DJL optimizer: sgd (Sgd, momentum 0.9), adam"
                            + " (Adam), adamw (AdamW) (default: ${DEFAULT-VALUE})")
    private List<String> variants;

    @Option(
            names = "--repeats",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "whole runs, one after the other in this process; with more than one, the"
                            + " verdict uses the median of the runs' ratios and the spread is"
                            + " printed (default: ${DEFAULT-VALUE})")
    private int repeats;

    @Spec private CommandSpec spec;

    /** Creates the command; picocli fills the options. */
    public BenchCommand() {}

    /**
     * Returns the settings the options describe.
     *
     * @return the settings
     * @throws IllegalArgumentException naming the first bad option, its value and the valid range
     */
    public BenchSettings settings() {
        return new BenchSettings(
                data.directory(),
                synthetic,
                steps,
                warmup,
                block,
                batchSize,
                batches,
                seed,
                model,
                variants.stream().map(BenchCommand::variant).toList());
    }

    private static Variant variant(String name) {
        return switch (name) {
            case "sgd" -> Variant.SGD;
            case "adam" -> Variant.ADAM;
            case "adamw" -> Variant.ADAMW;
            default ->
                    throw new IllegalArgumentException(
                            "--variants: unknown variant '" + name + "'; valid: sgd, adam, adamw");
        };
    }

    /**
     * Runs the benchmark and prints the medians, ratios and verdicts.
     *
     * @return 0 when both ratios meet their targets (with {@code --repeats}, their medians over the
     *     runs), 1 when one does not, 2 on a bad option
     * @throws IOException if the data cannot be read
     * @throws TranslateException if DJL cannot batch the data
     */
    @Override
    public Integer call() throws IOException, TranslateException {
        BenchSettings settings;
        try {
            settings = settings();
            if (repeats < 1) {
                throw new IllegalArgumentException("--repeats must be at least 1, got " + repeats);
            }
        } catch (IllegalArgumentException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("hesso bench: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "%s, batch %d of %s, %d warm-up + %d timed steps per optimizer in alternating"
                        + " blocks of %d, each HESSO step paired with DJL's on the same batch (ratio"
                        + " = median of paired ratios); SGD lr %s momentum %s, Adam and AdamW lr %s,"
                        + " AdamW weight decay %s%n",
                settings.model(),
                settings.batchSize(),
                settings.synthetic() ? "synthetic images" : "Fashion-MNIST",
                settings.warmupSteps(),
                settings.steps(),
                settings.blockSteps(),
                BenchSettings.SGD_LEARNING_RATE,
                BenchSettings.SGD_MOMENTUM,
                BenchSettings.LEARNING_RATE,
                BenchSettings.ADAMW_WEIGHT_DECAY);
        out.flush();
        boolean pass = true;
        List<Map<Variant, StepBench.Result>> runs = new ArrayList<>();
        for (int run = 1; run <= repeats; run++) {
            if (repeats > 1) {
                out.printf("run %d of %d%n", run, repeats);
            }
            Map<Variant, StepBench.Result> results = new StepBench(settings).run();
            runs.add(results);
            for (Map.Entry<Variant, StepBench.Result> e : results.entrySet()) {
                pass &= print(out, e.getKey(), e.getValue());
            }
            out.flush();
        }
        if (repeats > 1) {
            pass = summarize(out, runs);
            out.flush();
        }
        return pass ? 0 : 1;
    }

    /**
     * Prints each variant's ratios over the runs (median and spread) and returns whether every
     * median meets its target: the verdict of a repeated benchmark.
     */
    private static boolean summarize(PrintWriter out, List<Map<Variant, StepBench.Result>> runs) {
        out.printf("over %d runs (verdict on the median of the runs' ratios)%n", runs.size());
        boolean pass = true;
        for (Variant variant : runs.get(0).keySet()) {
            pass &=
                    spread(
                            out,
                            variant + " outside pruning periods",
                            runs,
                            variant,
                            EnumSet.of(Phase.WARM_UP, Phase.PRUNED),
                            BenchSettings.TARGET_OUTSIDE);
            pass &=
                    spread(
                            out,
                            variant + " during pruning periods",
                            runs,
                            variant,
                            EnumSet.of(Phase.PRUNING),
                            BenchSettings.TARGET_PRUNING);
        }
        return pass;
    }

    private static boolean spread(
            PrintWriter out,
            String label,
            List<Map<Variant, StepBench.Result>> runs,
            Variant variant,
            Set<Phase> phases,
            double target) {
        RatioSpread spread =
                new RatioSpread(
                        runs.stream().mapToDouble(r -> r.get(variant).ratio(phases)).toArray());
        boolean pass = spread.median() <= target;
        out.printf(
                Locale.ROOT,
                "%-36s %s  <= %.2f %s%n",
                label,
                spread.describe(),
                target,
                pass ? "PASS" : "FAIL");
        return pass;
    }

    /** Prints one variant's ratios, phases and state sizes; returns whether both ratios pass. */
    private static boolean print(PrintWriter out, Variant variant, StepBench.Result r) {
        String[] names =
                switch (variant) {
                    case SGD -> new String[] {"HESSO-SGD", "DJL Sgd"};
                    case ADAM -> new String[] {"HESSO-Adam", "DJL Adam"};
                    case ADAMW -> new String[] {"HESSO-AdamW", "DJL AdamW"};
                };
        out.printf(
                "%-36s %6s %9s %9s %7s %8s%n",
                names[0] + " vs " + names[1], "steps", "HESSO ms", "DJL ms", "ratio", "target");
        boolean outside =
                row(
                        out,
                        "outside pruning periods",
                        r,
                        EnumSet.of(Phase.WARM_UP, Phase.PRUNED),
                        BenchSettings.TARGET_OUTSIDE);
        boolean pruning =
                row(
                        out,
                        "during pruning periods",
                        r,
                        EnumSet.of(Phase.PRUNING),
                        BenchSettings.TARGET_PRUNING);
        Set<Phase> periods = EnumSet.of(Phase.PRUNING);
        int scoring = r.scoringSteps(periods);
        out.printf(
                Locale.ROOT,
                "  %-33s %6d %9s %9s %7.3f%n",
                "scoring steps (1 per period)",
                scoring,
                "",
                "",
                r.ratio(periods, true));
        out.printf(
                Locale.ROOT,
                "  %-33s %6d %9s %9s %7.3f%n",
                "other steps in periods",
                r.hessoTimes(periods).length - scoring,
                "",
                "",
                r.ratio(periods, false));
        for (Phase phase : r.hesso().keySet()) {
            Set<Phase> one = EnumSet.of(phase);
            out.printf(
                    "  of which %-25s %6d %9.2f %9.2f %7.3f%n",
                    phase,
                    r.hessoTimes(one).length,
                    StepBench.Result.median(r.hessoTimes(one)),
                    StepBench.Result.median(r.djlTimes(one)),
                    r.ratio(one));
        }
        StepTimings t = r.hessoTimings();
        double perStep = t.total().toNanos() / 1e6 / Math.max(1, t.steps());
        StringBuilder phases = new StringBuilder();
        t.byPhase()
                .forEach(
                        (phase, d) ->
                                phases.append(
                                        String.format(
                                                Locale.ROOT,
                                                "; %s %.2f (%.0f%%)",
                                                phase,
                                                d.toNanos() / 1e6 / Math.max(1, t.steps()),
                                                100.0 * d.toNanos() / t.total().toNanos())));
        out.printf(
                Locale.ROOT,
                "%-36s %.2f ms per step over %d steps%s%n",
                names[0] + " optimizer time by phase",
                perStep,
                t.steps(),
                phases);
        out.printf(
                "%-36s %,d bytes HESSO, %,d bytes DJL (x%.2f)%n",
                "optimizer state after the run",
                r.hessoStateBytes(),
                r.djlStateBytes(),
                (double) r.hessoStateBytes() / r.djlStateBytes());
        return outside && pruning;
    }

    private static boolean row(
            PrintWriter out, String label, StepBench.Result r, Set<Phase> phases, double target) {
        double ratio = r.ratio(phases);
        boolean pass = ratio <= target;
        out.printf(
                "%-36s %6d %9.2f %9.2f %7.3f  <= %.2f %s%n",
                label,
                r.hessoTimes(phases).length,
                StepBench.Result.median(r.hessoTimes(phases)),
                StepBench.Result.median(r.djlTimes(phases)),
                ratio,
                target,
                pass ? "PASS" : "FAIL");
        return pass;
    }
}
