package ai.hesso.djl.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.hesso.djl.ChildJvm;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.fixtures.DiscoveryModels;
import ai.hesso.fixtures.ModelPatterns;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A saved compact model loads with one call, into a new {@link Model} in this JVM and in a fresh
 * JVM, and computes bit-for-bit what it computed before saving; {@code compact.json} holds what
 * {@code docs/compaction.md} says; a description that does not fit is refused by name.
 */
class CompactionSaveIT {

    @TempDir Path dir;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of(
                        "vgg", (Supplier<Block>) DiscoveryModels::vgg, DiscoveryModels.IMAGE_INPUT),
                Arguments.of(
                        "inception",
                        (Supplier<Block>) DiscoveryModels::inception,
                        DiscoveryModels.IMAGE_INPUT),
                Arguments.of(
                        "transformer",
                        (Supplier<Block>) DiscoveryModels::transformer,
                        DiscoveryModels.TOKEN_INPUT),
                Arguments.of(
                        "depthwise",
                        (Supplier<Block>) CompactFixtures::depthwise,
                        CompactFixtures.DEPTHWISE_INPUT),
                Arguments.of(
                        "conv1d",
                        (Supplier<Block>) CompactFixtures::conv1d,
                        CompactFixtures.CONV1D_INPUT),
                Arguments.of(
                        "resnet20",
                        (Supplier<Block>) CompactFixtures::resnet20,
                        CompactFixtures.RESNET20_INPUT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void aNewModelLoadedFromDiskComputesTheSameBits(
            String name, Supplier<Block> factory, Shape input) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = CompactFixtures.init(factory.get(), manager, input, 3);
            DiscoveryReport report = GroupDiscovery.builder().build().discover(block, input);
            CompactFixtures.zeroRandomChannels(block, report, 3);
            try (CompactModel compact = Compaction.compactZeroChannels(block, report, input)) {
                compact.save(dir);
                // a second save overwrites: one parameter file, which compact.json names
                compact.save(dir);
                try (Stream<Path> files = Files.list(dir)) {
                    assertEquals(
                            List.of("compact-0000.params", "compact.json"),
                            files.map(p -> p.getFileName().toString()).sorted().toList(),
                            name);
                }
                try (Model loaded = CompactModels.load(dir, factory.get())) {
                    assertNotSame(compact.model().getBlock(), loaded.getBlock());
                    assertSameParameters(compact.model().getBlock(), loaded.getBlock(), name);
                    assertEquals(
                            compact.report().after().parameters(),
                            CompactFixtures.parameterCount(loaded.getBlock()),
                            name);
                    for (int i = 0; i < 2; i++) {
                        NDArray x = CompactFixtures.input(manager, input, 50 + i);
                        assertSameBits(
                                CompactFixtures.forward(compact.model().getBlock(), manager, x),
                                CompactFixtures.forward(loaded.getBlock(), manager, x),
                                name);
                    }
                }
            }
        }
    }

    @Test
    void aFreshJvmLoadsTheModelWithOneCallAndComputesTheSameBits() throws Exception {
        Shape input = CompactFixtures.RESNET20_INPUT;
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block =
                    CompactFixtures.init(
                            CompactLoadMain.architecture("resnet20"), manager, input, 6);
            DiscoveryReport report = GroupDiscovery.builder().build().discover(block, input);
            CompactFixtures.zeroRandomChannels(block, report, 6);
            NDArray x = CompactFixtures.input(manager, input, 61);
            float[] expected;
            Path model = dir.resolve("model");
            try (CompactModel compact = Compaction.compactZeroChannels(block, report, input)) {
                compact.save(model);
                expected = CompactFixtures.forward(compact.model().getBlock(), manager, x);
            }
            Path in = dir.resolve("input.bin");
            Path out = dir.resolve("output.bin");
            CompactLoadMain.write(x, in);
            ChildJvm.run(
                    CompactLoadMain.class,
                    dir.resolve("child.log"),
                    model.toString(),
                    "resnet20",
                    in.toString(),
                    out.toString());
            NDArray y = CompactLoadMain.read(manager, out);
            assertEquals(new Shape(2, 5), y.getShape());
            assertSameBits(expected, y.toFloatArray(), "forked JVM");
        }
    }

    @Test
    void compactJsonHoldsTheWidthsAndTheRemovedChannels() throws Exception {
        Shape input = DiscoveryModels.IMAGE_INPUT;
        try (NDManager manager = NDManager.newBaseManager()) {
            Block vgg = CompactFixtures.init(DiscoveryModels.vgg(), manager, input, 2);
            DiscoveryReport report = GroupDiscovery.builder().build().discover(vgg, input);
            // vgg: 01Conv2d (4 filters), 04Conv2d (6), 09Linear (5 units), 11Linear (3, head)
            Map<String, int[]> removed =
                    Map.of("01Conv2d", new int[] {1, 3}, "04Conv2d", new int[] {0, 2, 5});
            try (CompactModel compact = Compaction.compact(vgg, report, removed, input)) {
                compact.save(dir);
                JsonObject json =
                        JsonParser.parseString(
                                        Files.readString(
                                                dir.resolve("compact.json"),
                                                StandardCharsets.UTF_8))
                                .getAsJsonObject();
                assertEquals("hesso-compact", json.get("format").getAsString());
                assertEquals(1, json.get("version").getAsInt());
                assertEquals("compact", json.get("modelName").getAsString());
                assertEquals("compact-0000.params", json.get("parameterFile").getAsString());
                assertEquals("FLOAT32", json.get("dataType").getAsString());
                assertEquals("[[2,3,8,8]]", json.get("inputShapes").toString());
                List<String> layers = new ArrayList<>();
                for (JsonElement e : json.getAsJsonArray("layers")) {
                    JsonObject l = e.getAsJsonObject();
                    layers.add(
                            l.get("path").getAsString()
                                    + " "
                                    + l.get("kind").getAsString()
                                    + " "
                                    + l.get("width").getAsLong()
                                    + " "
                                    + l.get("groups").getAsInt());
                }
                // 4 - 2 filters, 6 - 3 filters, 5 units, 3 units
                assertEquals(
                        List.of(
                                "01Conv2d Conv2d 2 1",
                                "04Conv2d Conv2d 3 1",
                                "09Linear Linear 5 1",
                                "11Linear Linear 3 1"),
                        layers);
                List<String> originals = new ArrayList<>();
                for (JsonElement e : json.getAsJsonArray("layers")) {
                    JsonObject l = e.getAsJsonObject();
                    originals.add(
                            l.get("originalWidth").getAsLong()
                                    + " "
                                    + l.get("originalGroups").getAsInt());
                }
                // before compaction: 4 and 6 filters, 5 and 3 units
                assertEquals(List.of("4 1", "6 1", "5 1", "3 1"), originals);
                JsonArray blocks = json.getAsJsonArray("blocks");
                assertEquals(":ai.djl.nn.SequentialBlock", blocks.get(0).getAsString());
                assertEquals(
                        "01Conv2d:ai.djl.nn.convolutional.Conv2d", blocks.get(1).getAsString());
                // the root and its 11 children
                assertEquals(12, blocks.size());
                JsonObject channels = json.getAsJsonObject("removedChannels");
                assertEquals("[1,3]", channels.get("01Conv2d").toString());
                assertEquals("[0,2,5]", channels.get("04Conv2d").toString());
                // conv1 2*3*9 + 2 = 56, bn1 4*2 = 8, conv2 3*2*9 + 3 = 57, bn2 4*3 = 12,
                // fc1 5*(3*4*4) + 5 = 245, head 3*5 + 3 = 18: 396
                assertEquals(396, json.get("parameters").getAsLong());
                assertEquals(396, compact.report().after().parameters());
            }
        }
    }

    @Test
    void aDescriptionThatDoesNotFitIsRefusedByName() throws Exception {
        Shape input = DiscoveryModels.IMAGE_INPUT;
        try (NDManager manager = NDManager.newBaseManager()) {
            Block vgg = CompactFixtures.init(DiscoveryModels.vgg(), manager, input, 2);
            DiscoveryReport report = GroupDiscovery.builder().build().discover(vgg, input);
            try (CompactModel compact =
                    Compaction.compact(vgg, report, Map.of("04Conv2d", new int[] {0}), input)) {
                compact.save(dir);
            }
        }
        Path json = dir.resolve("compact.json");
        String saved = Files.readString(json, StandardCharsets.UTF_8);

        String wrongArchitecture =
                assertThrows(
                                MalformedModelException.class,
                                () -> CompactModels.load(dir, DiscoveryModels.mlp()))
                        .getMessage();
        assertEquals(
                "the architecture given to load is not the one "
                        + json
                        + " was saved from: block 2 was 01Conv2d:ai.djl.nn.convolutional.Conv2d"
                        + " but is 01Linear:ai.djl.nn.core.Linear (entries are path:class)",
                wrongArchitecture);

        // 04Conv2d keeps 5 of 6 filters; claiming 6 gives its weight a shape the file lacks
        Files.writeString(
                json,
                saved.replace(
                        "\"kind\": \"Conv2d\",\n      \"width\": 5",
                        "\"kind\": \"Conv2d\",\n      \"width\": 6"),
                StandardCharsets.UTF_8);
        String wrongWidth =
                assertThrows(
                                MalformedModelException.class,
                                () -> CompactModels.load(dir, DiscoveryModels.vgg()))
                        .getMessage();
        assertEquals(
                dir.resolve("compact-0000.params")
                        + ": parameter 04Conv2d_weight has shape (5, 4, 3, 3) but the widths in"
                        + " compact.json give it (6, 4, 3, 3)",
                wrongWidth);

        Files.writeString(json, "{\"format\": \"something-else\"}", StandardCharsets.UTF_8);
        String notOurs =
                assertThrows(
                                MalformedModelException.class,
                                () -> CompactModels.load(dir, DiscoveryModels.vgg()))
                        .getMessage();
        assertEquals(json + " is not a 'hesso-compact' description of version 1", notOurs);

        Files.writeString(json, saved, StandardCharsets.UTF_8);
        Files.delete(dir.resolve("compact-0000.params"));
        IOException missing =
                assertThrows(
                        IOException.class, () -> CompactModels.load(dir, DiscoveryModels.vgg()));
        assertEquals(
                json + " names the parameter file compact-0000.params, which is missing",
                missing.getMessage());
    }

    /** DJL's CIFAR-style ResNetV1-20 for 16 x 16 images with {@code classes} outputs. */
    private static Block resnet20(int classes) {
        return ResNetV1.builder()
                .setNumLayers(20)
                .setOutSize(classes)
                .setImageShape(new Shape(3, 16, 16))
                .build();
    }

    /** Saves a compacted ResNetV1-20 with 10 classes to {@link #dir}, some channels removed. */
    private void saveTenClassResnet() throws IOException {
        Shape input = CompactFixtures.RESNET20_INPUT;
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = CompactFixtures.init(resnet20(10), manager, input, 4);
            DiscoveryReport report = GroupDiscovery.builder().build().discover(block, input);
            CompactFixtures.zeroRandomChannels(block, report, 4);
            try (CompactModel compact = Compaction.compactZeroChannels(block, report, input)) {
                compact.save(dir);
            }
        }
    }

    @Test
    void anArchitectureOfOtherWidthsIsRefusedByBlock() throws Exception {
        saveTenClassResnet();
        Path json = dir.resolve("compact.json");
        // ResNetV1's head, the last of its 13 children
        String head = "13Linear";
        // the same tree block for block, a head of 5 units instead of 10
        MalformedModelException classes =
                assertThrows(
                        MalformedModelException.class, () -> CompactModels.load(dir, resnet20(5)));
        assertEquals(
                "block "
                        + head
                        + " (Linear) of the given architecture has 5 units, but "
                        + json
                        + " records that the saved model was compacted from 10 (kept 10): pass"
                        + " the architecture the model was compacted from",
                classes.getMessage());
        try (Model loaded = CompactModels.load(dir, resnet20(10))) {
            assertEquals(
                    new Shape(2, 10),
                    loaded.getBlock()
                            .getOutputShapes(new Shape[] {CompactFixtures.RESNET20_INPUT})[0]);
        }

        // a layer inside: vgg's second convolution with 7 filters instead of 6 (5 kept)
        Path vggDir = dir.resolve("vgg");
        Shape input = DiscoveryModels.IMAGE_INPUT;
        try (NDManager manager = NDManager.newBaseManager()) {
            Block vgg = CompactFixtures.init(DiscoveryModels.vgg(), manager, input, 2);
            DiscoveryReport report = GroupDiscovery.builder().build().discover(vgg, input);
            try (CompactModel compact =
                    Compaction.compact(vgg, report, Map.of("04Conv2d", new int[] {0}), input)) {
                compact.save(vggDir);
            }
        }
        MalformedModelException filters =
                assertThrows(
                        MalformedModelException.class,
                        () ->
                                CompactModels.load(
                                        vggDir,
                                        ModelPatterns.vgg(new int[][] {{4, 7}}, new int[] {5}, 3)));
        assertEquals(
                "block 04Conv2d (Conv2d) of the given architecture has 7 filters, but "
                        + vggDir.resolve("compact.json")
                        + " records that the saved model was compacted from 6 (kept 5): pass the"
                        + " architecture the model was compacted from",
                filters.getMessage());
    }

    @Test
    void withoutOriginalWidthsTheWidthsAndTheOutputShapesStillCatchAWrongHead() throws Exception {
        saveTenClassResnet();
        Path json = dir.resolve("compact.json");
        // a description written before the original widths were recorded
        String legacy =
                Files.readAllLines(json, StandardCharsets.UTF_8).stream()
                        .filter(l -> !l.contains("originalWidth") && !l.contains("originalGroups"))
                        .map(l -> l.replace("\"groups\": 1,", "\"groups\": 1"))
                        .reduce((a, b) -> a + "\n" + b)
                        .orElseThrow();
        Files.writeString(json, legacy, StandardCharsets.UTF_8);
        MalformedModelException narrower =
                assertThrows(
                        MalformedModelException.class, () -> CompactModels.load(dir, resnet20(5)));
        assertEquals(
                "block 13Linear (Linear) of the given architecture has 5 units, but "
                        + json
                        + " keeps 10 of them; a compacted layer is never wider than its original",
                narrower.getMessage());
        // 20 units pass that check; the compact block, built with the saved 10, outputs 10
        MalformedModelException outputs =
                assertThrows(
                        MalformedModelException.class, () -> CompactModels.load(dir, resnet20(20)));
        assertEquals(
                "the architecture given to load outputs [(2, 20)] for the input shapes"
                        + " [(2, 3, 16, 16)] in "
                        + json
                        + ", the saved model [(2, 10)]: it is not the architecture the model was"
                        + " compacted from",
                outputs.getMessage());
    }

    @Test
    void anInitializedArchitectureIsRefused() throws Exception {
        Shape input = DiscoveryModels.IMAGE_INPUT;
        try (NDManager manager = NDManager.newBaseManager()) {
            Block vgg = CompactFixtures.init(DiscoveryModels.vgg(), manager, input, 2);
            DiscoveryReport report = GroupDiscovery.builder().build().discover(vgg, input);
            try (CompactModel compact =
                    Compaction.compact(vgg, report, Map.of("04Conv2d", new int[] {0}), input)) {
                compact.save(dir);
            }
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class, () -> CompactModels.load(dir, vgg));
            assertEquals(
                    "the architecture given to load must be a new, uninitialized instance (the"
                            + " factory call that built the original model), but block 01Conv2d"
                            + " (ai.djl.nn.convolutional.Conv2d, parameter 01Conv2d_weight) is"
                            + " initialized; load builds new blocks and would not use its values:"
                            + " pass a fresh instance, not a model's getBlock()",
                    e.getMessage());
        }
    }

    private static void assertSameParameters(Block expected, Block actual, String name) {
        List<String> a = new ArrayList<>();
        for (Pair<String, Parameter> p : expected.getParameters()) {
            a.add(p.getKey() + " " + p.getValue().getArray().getShape());
        }
        List<String> b = new ArrayList<>();
        for (Pair<String, Parameter> p : actual.getParameters()) {
            b.add(p.getKey() + " " + p.getValue().getArray().getShape());
        }
        assertEquals(a, b, name);
    }

    private static void assertSameBits(float[] expected, float[] actual, String name) {
        assertEquals(expected.length, actual.length, name);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                throw new AssertionError(
                        name + ": output " + i + " was " + expected[i] + ", is " + actual[i]);
            }
        }
    }
}
