package ai.hesso.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class GroupsCommandTest {

    @Test
    void printsTheMlpGroupsAndWritesDot(@TempDir Path dir) throws Exception {
        Path dot = dir.resolve("mlp.dot");
        StringWriter text = new StringWriter();
        CommandLine cli = new CommandLine(new GroupsCommand()).setOut(new PrintWriter(text));
        int code = cli.execute("--model", "mlp", "--dot", dot.toString());
        assertEquals(0, code, text.toString());
        List<String> groups =
                text.toString()
                        .lines()
                        .filter(l -> l.startsWith("group "))
                        .collect(Collectors.toList());
        assertEquals(
                List.of(
                        "group 01Linear: 8 channels, prunable",
                        "group 03Linear: 6 channels, prunable",
                        "group 05Linear: 3 channels, unprunable (feeds the network output (the loss):"
                                + " its width is fixed by the task)"),
                groups);
        assertTrue(text.toString().contains("model mlp, input (1, 5): 3 node groups, 2 prunable"));
        assertTrue(text.toString().contains("  members: 01Linear_weight, 01Linear_bias"));
        assertTrue(text.toString().contains("  consumers: 03Linear_weight[axis 1, offset 0]"));
        String graph = Files.readString(dot);
        assertTrue(graph.startsWith("digraph model {"), graph);
        assertTrue(graph.contains("group 01Linear (8)"), graph);
        assertTrue(graph.contains("group 05Linear (3, unprunable)"), graph);
        assertTrue(graph.contains("fillcolor=\"lightgrey\""), graph);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vgg", "resnet20", "resnet18", "inception", "transformer"})
    void everyBuiltinModelHasPrunableGroupsAndAnUnprunableHead(String model) {
        StringWriter text = new StringWriter();
        int code =
                new CommandLine(new GroupsCommand())
                        .setOut(new PrintWriter(text))
                        .execute("--model", model);
        assertEquals(0, code, text.toString());
        assertTrue(text.toString().contains(", prunable\n"), text.toString());
        assertTrue(text.toString().contains("feeds the network output"), text.toString());
        assertTrue(!text.toString().contains("not supported"), text.toString());
    }

    @Test
    void unknownModelIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new GroupsCommand()).setErr(new PrintWriter(err));
        int code = cli.execute("--model", "lenet");
        assertEquals(2, code);
        assertTrue(err.toString().contains("valid models: [mlp, vgg"), err.toString());
    }
}
