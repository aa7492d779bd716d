package ai.hesso.examples;

import ai.hesso.replay.Replay;
import ai.hesso.replay.ReplayInput;
import ai.hesso.replay.ReplayJson;
import ai.hesso.replay.ReplayResult;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hesso replay IN.json OUT.json}: runs the real DJL HESSO optimizer (float64, CPU) on the
 * tensors, node groups and per-step gradients of {@code IN.json} and writes the final tensors and
 * the pruned channels to {@code OUT.json}. The format is described in {@code docs/replay.md}. A bad
 * input is reported in one line naming the field, and no output file is written.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Run the HESSO optimizer on given tensors and a given sequence of gradients.",
            "Writes the final tensors and the pruned channels of every node group as JSON"
                    + " (format: docs/replay.md)."
        })
public final class ReplayCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IN.json", description = "the replay input")
    private Path input;

    @Parameters(index = "1", paramLabel = "OUT.json", description = "where to write the result")
    private Path output;

    @Spec private CommandSpec spec;

    /** Creates the command; picocli fills the parameters. */
    public ReplayCommand() {}

    /**
     * Reads the input, replays it and writes the result.
     *
     * @return 0 on success
     * @throws UncheckedIOException when a file cannot be read or written (one line, exit 1)
     * @throws IllegalArgumentException naming the bad field of the input
     */
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ReplayInput in = ReplayJson.read(input);
        ReplayResult result = new Replay().run(in);
        ReplayJson.write(result, output);
        int pruned = result.pruned().values().stream().mapToInt(c -> c.length).sum();
        out.println(
                "replayed "
                        + in.steps()
                        + " steps on "
                        + in.tensors().size()
                        + " tensors; "
                        + pruned
                        + " channels pruned in "
                        + in.nodeGroups().size()
                        + " node groups; wrote "
                        + output);
        out.flush();
        return CommandLine.ExitCode.OK;
    }
}
