package ai.hesso.djl.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.hesso.djl.compact.CompactFixtures;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.Trace;
import ai.hesso.djl.layers.CostContext;
import ai.hesso.djl.layers.LayerRegistry;
import ai.hesso.djl.layers.LayerSupport;
import ai.hesso.djl.layers.RebuildContext;
import ai.hesso.fixtures.DiscoveryModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What export refuses, and how: an exception naming the block path and class and what was tried or
 * would be valid, and no file written (an existing file is left as it was, no temporary file stays
 * behind).
 */
class OnnxExportRefusalIT {

    private static final Shape MLP = DiscoveryModels.MLP_INPUT;

    @TempDir Path dir;
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void aLambdaThatMatchesNoKnownFunctionIsRefusedWithWhatWasTried() throws IOException {
        Shape input = DiscoveryModels.IMAGE_INPUT;
        Block block = CompactFixtures.init(DiscoveryModels.channelMixing(), manager, input, 1);
        Path file = dir.resolve("mixing.onnx");
        OnnxExportException e =
                assertThrows(OnnxExportException.class, () -> OnnxExport.write(block, input, file));
        assertEquals("04LambdaBlock", e.blockPath());
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "cannot export block 04LambdaBlock (ai.djl.nn.LambdaBlock) to"
                                        + " ONNX: its function (2, 64, 8, 8) -> (2, 64, 8, 8)"
                                        + " matches no known function on random inputs; tried"
                                        + " identity, relu,"),
                e.getMessage());
        assertTrue(e.getMessage().contains("never guessed"), e.getMessage());
        assertNothingWritten();
    }

    @Test
    void aLambdaNamedLikeAnActivationIsCheckedNotTrusted() {
        Block block =
                new SequentialBlock()
                        .add(Linear.builder().setUnits(4).build())
                        .add(new LambdaBlock(x -> new NDList(x.head().mul(2)), "ReLU"));
        block.initialize(manager, DataType.FLOAT32, MLP);
        OnnxExportException e =
                assertThrows(
                        OnnxExportException.class,
                        () -> OnnxExport.write(block, MLP, dir.resolve("m.onnx")));
        assertEquals("02LambdaBlock", e.blockPath());
        assertTrue(e.getMessage().contains("named 'ReLU'"), e.getMessage());
        assertNothingWritten();
    }

    @Test
    void aBlockWithoutSupportIsRefusedByPathAndClass() {
        Block block =
                new SequentialBlock()
                        .add(Linear.builder().setUnits(4).build())
                        .add(new Doubler())
                        .add(Activation.reluBlock());
        block.initialize(manager, DataType.FLOAT32, MLP);
        OnnxExportException e =
                assertThrows(
                        OnnxExportException.class,
                        () -> OnnxExport.write(block, MLP, dir.resolve("m.onnx")));
        assertEquals(
                "cannot export block 02Doubler ("
                        + Doubler.class.getName()
                        + ") to ONNX: no layer support for its class; register one with an export"
                        + " on OnnxExport.builder().optRegistry(..)",
                e.getMessage());
        assertNothingWritten();
    }

    @Test
    void aSupportWithoutExportIsRefusedByName() {
        Block block =
                new SequentialBlock().add(Linear.builder().setUnits(4).build()).add(new Doubler());
        block.initialize(manager, DataType.FLOAT32, MLP);
        LayerRegistry registry = LayerRegistry.builder().optLayer(new DoublerSupport()).build();
        OnnxExportException e =
                assertThrows(
                        OnnxExportException.class,
                        () ->
                                OnnxExport.builder()
                                        .setInputShape(MLP)
                                        .optRegistry(registry)
                                        .build()
                                        .export(block, dir.resolve("m.onnx")));
        assertTrue(
                e.getMessage()
                        .endsWith(
                                "no ONNX export for "
                                        + Doubler.class.getName()
                                        + ": its layer support "
                                        + DoublerSupport.class.getName()
                                        + " does not implement LayerSupport.export"),
                e.getMessage());
        assertNothingWritten();
    }

    @Test
    void aBlockThatIsNotInitializedIsRefusedNamingTheParameter() {
        Block block = DiscoveryModels.mlp();
        OnnxExportException e =
                assertThrows(
                        OnnxExportException.class,
                        () -> OnnxExport.write(block, MLP, dir.resolve("m.onnx")));
        assertEquals("01Linear", e.blockPath());
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "cannot export a block that is not initialized: parameter"
                                        + " 01Linear_weight has no array"),
                e.getMessage());
        assertNothingWritten();
    }

    @Test
    void aPathThatCannotBeWrittenIsNamedAndAnExistingFileIsKept() throws IOException {
        Block block = CompactFixtures.init(DiscoveryModels.mlp(), manager, MLP, 1);
        Path missing = dir.resolve("no-such-dir").resolve("m.onnx");
        IOException e =
                assertThrows(IOException.class, () -> OnnxExport.write(block, MLP, missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());

        Path existing = dir.resolve("kept.onnx");
        Files.writeString(existing, "old", StandardCharsets.UTF_8);
        Block mixing =
                CompactFixtures.init(
                        DiscoveryModels.channelMixing(), manager, DiscoveryModels.IMAGE_INPUT, 1);
        assertThrows(
                OnnxExportException.class,
                () -> OnnxExport.write(mixing, DiscoveryModels.IMAGE_INPUT, existing));
        assertEquals("old", Files.readString(existing, StandardCharsets.UTF_8));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(existing), files.toList());
        }
    }

    @Test
    void theBuilderNeedsAnInputShape() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> OnnxExport.builder().build());
        assertTrue(e.getMessage().startsWith("ONNX export needs the input shape"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> OnnxExport.builder().setInputShape(new Shape(0, 5)).build());
    }

    private void assertNothingWritten() {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A block of the user's own: {@code y = 2 x}. */
    static final class Doubler extends AbstractBlock {
        @Override
        protected NDList forwardInternal(
                ParameterStore store, NDList inputs, boolean training, PairList<String, Object> p) {
            return new NDList(inputs.head().mul(2));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }
    }

    /** A support that traces, counts and rebuilds, but has no export. */
    static final class DoublerSupport implements LayerSupport<Doubler> {
        @Override
        public Class<Doubler> blockType() {
            return Doubler.class;
        }

        @Override
        public List<Trace> trace(
                Doubler block, String path, List<Trace> inputs, DiscoveryContext ctx) {
            return inputs;
        }

        @Override
        public Shape[] cost(Doubler block, String path, Shape[] inputs, CostContext ctx) {
            return inputs;
        }

        @Override
        public Doubler rebuild(Doubler block, String path, RebuildContext ctx) {
            return new Doubler();
        }
    }
}
