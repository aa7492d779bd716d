package ai.hesso.djl.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;
import ai.hesso.djl.compact.CompactFixtures;
import ai.hesso.djl.layers.LayerRegistry;
import ai.hesso.fixtures.DiscoveryModels;
import ai.hesso.fixtures.TinyModels;
import ai.onnx.proto.OnnxMl;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Batch-norm folding: the folded block has no batch norm after a convolution or linear layer, one
 * bias per folded layer, the original's inference outputs within 1e-4, and the original is left
 * exactly as it was (it can be trained further). Norms that follow no such layer (after an
 * addition, inside a transformer encoder) are kept.
 */
class BatchNormFoldingIT {

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of(
                        "vgg",
                        (Supplier<Block>) DiscoveryModels::vgg,
                        DiscoveryModels.IMAGE_INPUT,
                        2,
                        0),
                Arguments.of(
                        "conv-without-bias",
                        (Supplier<Block>) ExportFixtures::conv1d,
                        new Shape(2, 3, 10),
                        1,
                        0),
                Arguments.of(
                        "residual",
                        (Supplier<Block>) () -> TinyModels.residualBlock(4),
                        new Shape(2, 4, 5, 5),
                        2,
                        0),
                Arguments.of(
                        "bottleneck",
                        (Supplier<Block>) ExportFixtures::bottleneck,
                        new Shape(2, 3, 8, 8),
                        12,
                        0),
                Arguments.of(
                        "encoder",
                        (Supplier<Block>) DiscoveryModels::encoder,
                        DiscoveryModels.SEQUENCE_INPUT,
                        0,
                        2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void foldedBlockComputesTheSameAndTheOriginalIsUntouched(
            String name, Supplier<Block> factory, Shape input, int folds, int keptNorms)
            throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                NDManager foldedArrays = manager.newSubManager()) {
            Block block = CompactFixtures.init(factory.get(), manager, input, 5);
            Map<String, float[]> before = snapshot(block);
            assertEquals(
                    folds,
                    BatchNormFolding.countFoldable(block, input, LayerRegistry.defaults()),
                    name);
            Block folded = BatchNormFolding.fold(block, foldedArrays, input);
            assertEquals(
                    0,
                    BatchNormFolding.countFoldable(folded, input, LayerRegistry.defaults()),
                    name);
            assertEquals(keptNorms, countNorms(folded), name);
            for (int batch : new int[] {1, 7}) {
                Shape shape = OnnxExportIT.withBatch(input, batch);
                float[] x = ExportFixtures.gaussian(shape, batch);
                float[] want = ExportFixtures.forward(block, manager, x, shape);
                float[] got = ExportFixtures.forward(folded, manager, x, shape);
                double diff = CompactFixtures.maxAbsDiff(want, got);
                assertTrue(diff <= 1e-4, name + ": " + diff);
            }
            Map<String, float[]> after = snapshot(block);
            assertEquals(before.keySet(), after.keySet());
            before.forEach((k, v) -> assertArrayEquals(v, after.get(k), name + " " + k));

            // the exporter folds too: the folded graph writes no batch norm (no Mul)
            OnnxMl.ModelProto model =
                    OnnxExport.builder().setInputShape(input).build().toModel(block);
            long muls =
                    model.getGraph().getNodeList().stream()
                            .filter(n -> n.getOpType().equals("Mul"))
                            .count();
            if (keptNorms == 0) {
                assertEquals(0, muls, name);
            }
        }
    }

    private static int countNorms(Block block) {
        int n = block instanceof BatchNorm ? 1 : 0;
        for (Block child : block.getChildren().values()) {
            n += countNorms(child);
        }
        return n;
    }

    private static Map<String, float[]> snapshot(Block block) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return out;
    }
}
