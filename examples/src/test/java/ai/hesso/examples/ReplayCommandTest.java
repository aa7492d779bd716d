package ai.hesso.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReplayCommandTest {

    /**
     * The hand-checked example of {@code ReplayIT.handCheckedThreeSteps} (w0 = [2, 1], sgd lr 0.25,
     * magnitude only, target 0.5, warm-up 1, pruningSteps 2: final w = [0, 0.5], channel 0 pruned),
     * plus a 1-channel node group that is not prunable and a tensor "b" whose zero gradient leaves
     * it unchanged.
     */
    private static final String HAND_CHECKED =
            """
            {
              "optimizer": {"variant": "Sgd", "lr": 0.25, "targetGroupSparsity": 0.5,
                            "startPruningStep": 1, "pruningSteps": 2,
                            "saliencyWeights": {"magnitude": 1}},
              "tensors": [{"name": "w", "shape": [2], "values": [2, 1]},
                          {"name": "b", "shape": [1, 3], "values": [[1.5, -2, 3]]}],
              "nodeGroups": [{"name": "g", "members": [{"tensor": "w", "axis": 0}]},
                             {"name": "solo", "members": [{"tensor": "b"}]}],
              "gradients": [{"w": [4, -1], "b": [0, 0, 0]},
                            {"w": [1, 2], "b": [0, 0, 0]},
                            {"w": [-2, 1], "b": [0, 0, 0]}]
            }
            """;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HessoCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void writesTheFinalTensorsAndPrunedChannels(@TempDir Path dir) throws Exception {
        Path in = Files.writeString(dir.resolve("in.json"), HAND_CHECKED);
        Path outFile = dir.resolve("out.json");
        Run run = run("replay", in.toString(), outFile.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(
                run.out().contains("replayed 3 steps on 2 tensors; 1 channels pruned"), run.out());
        JsonObject out = JsonParser.parseString(Files.readString(outFile)).getAsJsonObject();
        JsonArray tensors = out.getAsJsonArray("tensors");
        assertEquals(2, tensors.size());
        assertEquals("w", tensors.get(0).getAsJsonObject().get("name").getAsString());
        assertEquals(
                JsonParser.parseString("[0.0, 0.5]"),
                tensors.get(0).getAsJsonObject().get("values"));
        assertEquals("b", tensors.get(1).getAsJsonObject().get("name").getAsString());
        assertEquals(
                JsonParser.parseString("[1.5, -2.0, 3.0]"),
                tensors.get(1).getAsJsonObject().get("values"));
        assertEquals(JsonParser.parseString("{\"g\": [0], \"solo\": []}"), out.get("pruned"));
    }

    @Test
    void malformedFileFailsInOneLineAndWritesNothing(@TempDir Path dir) throws Exception {
        Path in = Files.writeString(dir.resolve("in.json"), "{\"optimizer\": {\"lr\": 0.1,");
        Path outFile = dir.resolve("out.json");
        Run run = run("replay", in.toString(), outFile.toString());
        assertEquals(1, run.code());
        assertTrue(run.err().startsWith("hesso replay: " + in + ": not valid JSON"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertFalse(Files.exists(outFile));
    }

    @Test
    void missingPruningStepsIsNamed(@TempDir Path dir) throws Exception {
        Path in =
                Files.writeString(
                        dir.resolve("in.json"), HAND_CHECKED.replace("\"pruningSteps\": 2,", ""));
        Path outFile = dir.resolve("out.json");
        Run run = run("replay", in.toString(), outFile.toString());
        assertEquals(1, run.code());
        assertTrue(run.err().contains("optimizer.pruningSteps is required"), run.err());
        assertFalse(Files.exists(outFile));
    }

    @Test
    void badVariantNamesTheValidOnes(@TempDir Path dir) throws Exception {
        Path in = Files.writeString(dir.resolve("in.json"), HAND_CHECKED.replace("Sgd", "rmsprop"));
        Run run = run("replay", in.toString(), dir.resolve("out.json").toString());
        assertEquals(1, run.code());
        assertTrue(
                run.err().contains("optimizer.variant must be one of sgd, adam, adamw"), run.err());
    }

    @Test
    void missingInputFileIsReported(@TempDir Path dir) {
        Run run = run("replay", dir.resolve("nope.json").toString(), dir.resolve("o").toString());
        assertEquals(1, run.code());
        assertTrue(run.err().startsWith("hesso replay: cannot read "), run.err());
    }
}
