package ai.hesso.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.hesso.djl.compact.ChannelSelection;
import ai.hesso.djl.compact.CompactModels;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.examples.bench.ChannelZeroing;
import ai.hesso.examples.models.BuiltinModels;
import ai.hesso.examples.models.SavedModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code hesso compact} on saved built-in models: a zeroed {@code vgg} is compacted, saved and
 * loaded back with the same outputs; another model's file and a half-zero channel fail in one line.
 */
class CompactCommandIT {

    private static final BuiltinModels.BuiltinModel VGG = BuiltinModels.get("vgg");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = HessoCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** A fresh seeded vgg, half of every prunable group zeroed, saved as DIR/vgg-0000.params. */
    private static Map<String, int[]> saveZeroedVgg(Path dir) throws Exception {
        try (Model model = Model.newInstance("vgg")) {
            Engine.getInstance().setRandomSeed(7);
            Block block = VGG.build();
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, VGG.inputShape());
            DiscoveryReport report =
                    GroupDiscovery.builder().build().discover(block, VGG.inputShape());
            Map<String, int[]> zeroed = ChannelZeroing.zeroFraction(block, report, 0.5, 7);
            // the zeroing leaves exactly the chosen channels all-zero in every member
            Map<String, int[]> found = ChannelSelection.zeroChannels(block, report).removed();
            assertEquals(zeroed.keySet(), found.keySet());
            zeroed.forEach((g, c) -> assertArrayEquals(c, found.get(g), g));
            assertEquals(dir.resolve("vgg-0000.params"), SavedModels.save(model, dir, "vgg"));
            return zeroed;
        }
    }

    @Test
    void compactsSavesAndTheSavedModelComputesTheSame(@TempDir Path tmp) throws Exception {
        Path dense = tmp.resolve("dense");
        Map<String, int[]> zeroed = saveZeroedVgg(dense);
        // floor(n / 2) of each prunable group: 4 of 8, 8 of 16, 16 of 32
        assertEquals(4, zeroed.get("01Conv2d").length);
        assertEquals(8, zeroed.get("05Conv2d").length);
        assertEquals(16, zeroed.get("10Linear").length);

        assertEquals(0, run("compact", "--model", "vgg", dense.toString()), err.toString());
        String text = out.toString();
        assertTrue(text.contains("28 of 56 prunable channels are exactly zero"), text);
        // by hand: conv 8x3x3x3+8, BN 4x8, conv 16x8x3x3+16, BN 4x16, linear 32x(16x4x4)+32,
        // head 10x32+10 = 10,042; halved widths 4, 8, 16: 112+16+296+32+2064+170 = 2,690
        assertTrue(text.contains("total parameters 10,042 -> 2,690"), text);
        Path compactDir = tmp.resolve("dense-compact");
        assertTrue(text.contains("saved " + compactDir), text);
        assertEquals("", err.toString());

        try (Model original = SavedModels.load(dense, VGG);
                Model compact = CompactModels.load(compactDir, VGG.build());
                NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            NDArray x = manager.randomNormal(new Shape(4, 3, 16, 16));
            float[] a = forward(original.getBlock(), manager, x);
            float[] b = forward(compact.getBlock(), manager, x);
            assertEquals(40, a.length);
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-4, "output " + i);
            }
        }
    }

    @Test
    void anotherModelsParametersFailInOneLine(@TempDir Path tmp) throws Exception {
        saveZeroedVgg(tmp);
        Files.copy(tmp.resolve("vgg-0000.params"), tmp.resolve("mlp-0000.params"));
        assertEquals(1, run("compact", "--model", "mlp", tmp.toString()));
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(
                err.toString()
                        .startsWith(
                                "hesso compact: cannot read "
                                        + tmp.resolve("mlp-0000.params")
                                        + " as the parameters of mlp (saved from another model?): "),
                err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void aChannelZeroInSomeMembersOnlyFailsInOneLine(@TempDir Path tmp) throws Exception {
        try (Model model = Model.newInstance("vgg")) {
            Engine.getInstance().setRandomSeed(7);
            Block block = VGG.build();
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, VGG.inputShape());
            // channel 0's filter is zero, its batch-norm scale (1) is not
            block.getParameters().get("01Conv2d_weight").getArray().set(new NDIndex(0), 0f);
            SavedModels.save(model, tmp, "vgg");
        }
        assertEquals(1, run("compact", "--model", "vgg", tmp.toString()));
        assertEquals(
                "hesso compact: node group '01Conv2d', channel 0: its rows of '01Conv2d_weight' are"
                        + " zero but its rows of '02BatchNorm_gamma' are not; a pruned channel is"
                        + " zero in every member",
                err.toString().strip());
        assertEquals("", out.toString());
    }

    private static float[] forward(Block block, NDManager manager, NDArray x) {
        NDList y = block.forward(new ParameterStore(manager, false), new NDList(x), false);
        return y.singletonOrThrow().toFloatArray();
    }
}
