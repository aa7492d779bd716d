package ai.hesso.examples;

import ai.hesso.examples.zoo.ModelResult;
import ai.hesso.examples.zoo.ZooModel;
import ai.hesso.examples.zoo.ZooModels;
import ai.hesso.examples.zoo.ZooSweep;
import ai.hesso.examples.zoo.ZooTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hesso check zoo [--model NAME]... [--list] [--pairwise] [--work DIR]}: the zoo sweep
 * ({@link ZooSweep}) over {@link ZooModels}, one row per model per stage (pass, refused with the
 * reason, skipped, or FAILED with the message), then a summary line. Exit code 1 if any stage
 * failed, 0 otherwise; an unknown model name is a usage error (2).
 */
@Command(
        name = "zoo",
        mixinStandardHelpOptions = true,
        description =
                "Take DJL's basic model zoo and hand-built models through discover, train, compact,"
                        + " compare, save, load and resume; exit 1 on any failure.")
public final class ZooCheckCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            paramLabel = "NAME",
            description = "run only this model (repeatable; default: all, see --list)")
    private List<String> models = new ArrayList<>();

    @Option(names = "--list", description = "list the models and what they are, run nothing")
    private boolean list;

    @Option(
            names = "--pairwise",
            description =
                    "sanity-check every separating subset of each group's channels, not only a"
                            + " random one (slow on the large models)")
    private boolean pairwise;

    @Option(
            names = "--work",
            paramLabel = "DIR",
            description =
                    "keep checkpoints and compact models here (default: a temporary directory,"
                            + " deleted at the end)")
    private Path work;

    @Spec private CommandSpec spec;

    /** Creates the command; picocli fills the options. */
    public ZooCheckCommand() {}

    /**
     * Runs the sweep and prints the table.
     *
     * @return 0 if nothing failed, 1 if a stage failed, 2 for an unknown model
     * @throws IOException if the work directory cannot be made
     */
    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<ZooModel> selected;
        try {
            selected = ZooModels.select(models);
        } catch (IllegalArgumentException e) {
            err.println("hesso check zoo: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        if (list) {
            for (ZooModel m : selected) {
                out.printf("%-13s %s%n", m.name(), m.source());
            }
            out.flush();
            return 0;
        }
        Path dir = work != null ? work : Files.createTempDirectory("hesso-zoo");
        try {
            PrintWriter debug = System.getenv(CliFailures.DEBUG_VARIABLE) != null ? err : null;
            ZooSweep sweep = new ZooSweep(dir, pairwise, debug);
            long start = System.nanoTime();
            List<ModelResult> results = new ArrayList<>();
            ZooTable.printHeader(out);
            for (ZooModel m : selected) {
                ModelResult r = sweep.run(m);
                results.add(r);
                ZooTable.printModel(out, r);
            }
            ZooTable.printSummary(out, results, (System.nanoTime() - start) / 1e9);
            return ZooTable.exitCode(results);
        } finally {
            if (work == null) {
                deleteRecursively(dir);
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.delete(p);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
        }
    }
}
