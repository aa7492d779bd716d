package ai.hesso.djl.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.hesso.djl.compact.CompactFixtures;
import ai.hesso.djl.compact.CompactModel;
import ai.hesso.djl.compact.Compaction;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.fixtures.DiscoveryModels;
import ai.hesso.fixtures.TinyModels;
import ai.onnx.proto.OnnxMl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every model family compaction supports, compacted (every other channel of every prunable group
 * removed), exported with and without batch-norm folding, and run in ONNX Runtime's Java API at
 * batch 1 and 16: the runtime's outputs are the DJL compact model's within {@value #TOLERANCE}.
 */
class OnnxExportIT {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxExportIT.class);
    private static final double TOLERANCE = 1e-4;

    @TempDir Path dir;

    static Stream<Arguments> models() {
        Shape image = DiscoveryModels.IMAGE_INPUT;
        return Stream.of(
                model("mlp", DiscoveryModels::mlp, DiscoveryModels.MLP_INPUT),
                model(
                        "mlp-sigmoid-tanh",
                        DiscoveryModels::mlpWithSigmoid,
                        DiscoveryModels.MLP_INPUT),
                model("vgg", DiscoveryModels::vgg, image),
                model("inception-concat", DiscoveryModels::inception, image),
                model(
                        "layernorm-mlp-gelu",
                        DiscoveryModels::transformer,
                        DiscoveryModels.TOKEN_INPUT),
                model(
                        "transformer-encoder",
                        DiscoveryModels::encoder,
                        DiscoveryModels.SEQUENCE_INPUT),
                model("residual", () -> TinyModels.residualBlock(5), new Shape(2, 5, 6, 6)),
                model("depthwise", CompactFixtures::depthwise, image),
                model("conv1d-avgpool", ExportFixtures::conv1d, new Shape(2, 3, 10)),
                model("resnet20-basic", CompactFixtures::resnet20, new Shape(2, 3, 16, 16)),
                model("resnet-bottleneck", ExportFixtures::bottleneck, new Shape(2, 3, 12, 12)),
                model("fashion-cnn", () -> TinyModels.smallCnn(10), new Shape(2, 1, 28, 28)));
    }

    private static Arguments model(String name, Supplier<Block> factory, Shape input) {
        return Arguments.of(name, factory, input);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void onnxRuntimeComputesWhatTheCompactModelComputes(
            String name, Supplier<Block> factory, Shape input) throws Exception {
        assertEquals("PyTorch", Engine.getInstance().getEngineName());
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = CompactFixtures.init(factory.get(), manager, input, 7);
            DiscoveryReport report = GroupDiscovery.builder().build().discover(block, input);
            Map<String, int[]> removed = ExportFixtures.everyOtherChannel(report);
            try (CompactModel compact = Compaction.compact(block, report, removed, input)) {
                Block small = compact.model().getBlock();
                Path folded = dir.resolve(name + ".onnx");
                Path plain = dir.resolve(name + "-unfolded.onnx");
                OnnxExport.write(compact, folded);
                OnnxExport.builder()
                        .setInputShape(input)
                        .optFoldBatchNorm(false)
                        .build()
                        .export(small, plain);
                assertDynamicBatch(folded, input.dimension());
                double worst = 0;
                double scale = 0;
                for (Path file : new Path[] {folded, plain}) {
                    try (OrtRunner ort = new OrtRunner(file)) {
                        for (int batch : new int[] {1, 16}) {
                            Shape shape = withBatch(input, batch);
                            float[] x = ExportFixtures.gaussian(shape, 31L * batch);
                            float[] djl = ExportFixtures.forward(small, manager, x, shape);
                            float[] onnx = ort.run(x, shape);
                            worst = Math.max(worst, CompactFixtures.maxAbsDiff(djl, onnx));
                            scale = Math.max(scale, CompactFixtures.maxAbs(djl));
                        }
                    }
                }
                LOG.info(
                        "{}: {} channels removed, {} bytes, max |output| {}, max |onnx - djl| {}",
                        name,
                        compact.selection().count(),
                        Files.size(folded),
                        scale,
                        worst);
                assertTrue(compact.selection().count() > 0, name);
                assertTrue(scale > 0.05, name + ": outputs too small to compare, " + scale);
                assertTrue(worst <= TOLERANCE, name + ": max |onnx - djl| " + worst);
            }
        }
    }

    /** The CNN on real Fashion-MNIST test images, at batch 1, 16 and 256. */
    @Test
    void fashionMnistImagesGiveTheSameOutputsInOnnxRuntime() throws Exception {
        assumeTrue(
                Files.exists(ExportFixtures.FASHION_TEST_IMAGES),
                "dataset-fashion-mnist is not installed");
        Shape input = new Shape(2, 1, 28, 28);
        float[] images = ExportFixtures.fashionImages(256);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = CompactFixtures.init(TinyModels.smallCnn(10), manager, input, 3);
            DiscoveryReport report = GroupDiscovery.builder().build().discover(block, input);
            try (CompactModel compact =
                    Compaction.compact(
                            block, report, ExportFixtures.everyOtherChannel(report), input)) {
                Path file = dir.resolve("fashion.onnx");
                OnnxExport.write(compact, file);
                try (OrtRunner ort = new OrtRunner(file)) {
                    for (int batch : new int[] {1, 16, 256}) {
                        Shape shape = new Shape(batch, 1, 28, 28);
                        float[] x = java.util.Arrays.copyOf(images, batch * 28 * 28);
                        float[] djl =
                                ExportFixtures.forward(
                                        compact.model().getBlock(), manager, x, shape);
                        float[] onnx = ort.run(x, shape);
                        double diff = CompactFixtures.maxAbsDiff(djl, onnx);
                        LOG.info("fashion batch {}: max |onnx - djl| {}", batch, diff);
                        assertEquals(batch * 10, onnx.length);
                        assertTrue(diff <= TOLERANCE, "batch " + batch + ": " + diff);
                    }
                }
            }
        }
    }

    private static void assertDynamicBatch(Path file, int rank) throws Exception {
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
        assertEquals(OnnxExport.OPSET, model.getOpsetImport(0).getVersion());
        OnnxMl.TensorShapeProto in =
                model.getGraph().getInput(0).getType().getTensorType().getShape();
        assertEquals(rank, in.getDimCount());
        assertEquals(OnnxExport.BATCH, in.getDim(0).getDimParam());
        OnnxMl.TensorShapeProto out =
                model.getGraph().getOutput(0).getType().getTensorType().getShape();
        assertEquals(OnnxExport.BATCH, out.getDim(0).getDimParam());
    }

    static Shape withBatch(Shape shape, long batch) {
        long[] dims = shape.getShape().clone();
        dims[0] = batch;
        return new Shape(dims);
    }
}
