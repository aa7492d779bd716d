package ai.hesso.examples;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.examples.models.BuiltinModels;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hesso groups --model NAME [--dot FILE]}: discovers the node groups of a built-in model and
 * prints them (channel counts, member parameters, prunable or why not, consumer slices); optionally
 * writes a Graphviz DOT file with the layers coloured by group.
 */
@Command(
        name = "groups",
        mixinStandardHelpOptions = true,
        description = "Discover and print the node groups of a built-in model.")
public final class GroupsCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            required = true,
            paramLabel = "NAME",
            description = "mlp, vgg, resnet20, resnet18, inception, transformer or fashion-cnn")
    private String model;

    @Option(
            names = "--dot",
            paramLabel = "FILE",
            description = "also write a Graphviz DOT file, layers coloured by node group")
    private Path dot;

    @Spec private CommandSpec spec;

    /** Creates the command; picocli fills the options. */
    public GroupsCommand() {}

    /**
     * Runs the discovery and prints the report.
     *
     * @return 0 on success
     * @throws IOException if the DOT file cannot be written
     */
    @Override
    public Integer call() throws IOException {
        BuiltinModels.BuiltinModel entry;
        try {
            entry = BuiltinModels.get(model);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = entry.build();
            block.initialize(manager, DataType.FLOAT32, entry.inputShape());
            DiscoveryReport report =
                    GroupDiscovery.builder().build().discover(block, entry.inputShape());
            out.printf(
                    "model %s, input %s: %d node groups, %d prunable%n",
                    entry.name(),
                    entry.inputShape(),
                    report.groups().size(),
                    report.prunableGroups().size());
            out.print(report.format());
            if (dot != null) {
                Files.writeString(dot, GroupsDot.render(block, report), StandardCharsets.UTF_8);
                out.println("wrote " + dot);
            }
            out.flush();
        }
        return 0;
    }
}
