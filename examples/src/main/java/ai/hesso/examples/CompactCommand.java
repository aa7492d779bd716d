package ai.hesso.examples;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.hesso.djl.compact.CompactModel;
import ai.hesso.djl.compact.Compaction;
import ai.hesso.djl.compact.CompactionException;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.examples.models.BuiltinModels;
import ai.hesso.examples.models.SavedModels;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hesso compact --model NAME DIR}: loads a trained, zeroed built-in model saved as {@code
 * DIR/NAME-0000.params} (as {@code hesso demo} saves it in {@code SAVE/dense}), discovers its node
 * groups, removes every channel whose member rows are all exactly zero, checks the compact model's
 * outputs against the zeroed model's on seeded random inputs, prints the per-layer table and saves
 * the compact model ({@code compact.json} and its parameters).
 *
 * <p>A missing directory or file, parameters of another model, or channels that are zero in some
 * member rows only are reported in one line with exit code 1; an unknown model name is a usage
 * error (exit code 2).
 */
@Command(
        name = "compact",
        mixinStandardHelpOptions = true,
        description =
                "Remove the exactly-zero channels of a saved model (hesso demo's SAVE/dense) and"
                        + " save the smaller model.")
public final class CompactCommand implements Callable<Integer> {

    /** The random inputs the outputs are compared on. */
    static final int CHECK_INPUTS = 16;

    @Parameters(
            paramLabel = "DIR",
            description = "directory holding NAME-0000.params, e.g. target/hesso-demo/dense")
    private Path directory;

    @Option(
            names = "--model",
            paramLabel = "NAME",
            defaultValue = BuiltinModels.FASHION_CNN,
            description =
                    "the built-in model the parameters belong to, as hesso groups knows it"
                            + " (default: ${DEFAULT-VALUE})")
    private String model;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "where to save the compact model (default: DIR-compact beside DIR)")
    private Path out;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "42",
            description = "seed of the random check inputs (default: ${DEFAULT-VALUE})")
    private int seed;

    @Spec private CommandSpec spec;

    /** Creates the command; picocli fills the options. */
    public CompactCommand() {}

    /**
     * Returns where the compact model goes.
     *
     * @return {@code --out}, or {@code DIR-compact} beside the input directory
     */
    public Path outputDirectory() {
        if (out != null) {
            return out;
        }
        Path absolute = directory.toAbsolutePath().normalize();
        Path name = absolute.getFileName();
        return absolute.resolveSibling((name == null ? "model" : name.toString()) + "-compact");
    }

    /**
     * Loads, compacts, checks, prints and saves.
     *
     * @return 0 on success, 1 on a failure reported in one line, 2 for an unknown model
     */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        BuiltinModels.BuiltinModel entry;
        try {
            entry = BuiltinModels.get(model);
        } catch (IllegalArgumentException e) {
            return fail(err, e.getMessage(), CommandLine.ExitCode.USAGE);
        }
        PrintWriter printer = spec.commandLine().getOut();
        try (Model dense = SavedModels.load(directory, entry)) {
            Block block = dense.getBlock();
            Shape input = entry.inputShape();
            DiscoveryReport report = GroupDiscovery.builder().build().discover(block, input);
            try (CompactModel compact = Compaction.compactZeroChannels(block, report, input)) {
                printer.printf(
                        "model %s from %s: %d of %d prunable channels are exactly zero%n",
                        entry.name(),
                        SavedModels.file(directory, entry.name()),
                        compact.selection().count(),
                        report.prunableGroups().stream().mapToInt(g -> g.group().channels()).sum());
                for (Map.Entry<String, int[]> e : compact.selection().removed().entrySet()) {
                    printer.printf(
                            "  %-24s %d of %d removed%n",
                            e.getKey(),
                            e.getValue().length,
                            report.group(e.getKey()).orElseThrow().group().channels());
                }
                printer.print(compact.report().format());
                printer.printf(
                        "outputs on %d random inputs: max |compact - zeroed| %.2g%n",
                        CHECK_INPUTS, maxAbsDiff(block, compact.model().getBlock(), input));
                Path target = outputDirectory();
                compact.save(target);
                printer.printf(
                        "saved %s (compact.json and the parameters); load it with"
                                + " CompactModels.load(dir, a new %s block)%n",
                        target, entry.name());
                printer.flush();
            }
        } catch (IOException
                | MalformedModelException
                | IllegalArgumentException
                | CompactionException e) {
            return fail(err, e.getMessage(), CommandLine.ExitCode.SOFTWARE);
        }
        return 0;
    }

    private static int fail(PrintWriter err, String message, int code) {
        err.println("hesso compact: " + message);
        err.flush();
        return code;
    }

    /** The largest output difference of the two blocks on seeded random inputs, inference mode. */
    private double maxAbsDiff(Block dense, Block compact, Shape input) {
        Shape batch = new Shape(CHECK_INPUTS).addAll(input.slice(1));
        try (NDManager manager =
                NDManager.newBaseManager(dense.getParameters().valueAt(0).getArray().getDevice())) {
            Engine.getInstance().setRandomSeed(seed);
            NDArray x = manager.randomNormal(batch);
            ParameterStore store = new ParameterStore(manager, false);
            NDArray a = dense.forward(store, new NDList(x), false).singletonOrThrow();
            NDArray b = compact.forward(store, new NDList(x), false).singletonOrThrow();
            // every array here belongs to the manager and is closed with it
            return a.sub(b).abs().max().getFloat();
        }
    }
}
