package ai.hesso.djl.compact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.fixtures.DiscoveryModels;
import ai.hesso.fixtures.TinyModels;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every architecture discovery supports: zero random channels of every prunable group (one group
 * keeps a single channel), compact, and check that the compact model computes what the zeroed model
 * computes (inference mode, non-trivial batch-norm statistics) and has exactly the parameter count
 * the report's slices imply.
 */
class CompactionIT {

    private static final Logger LOG = LoggerFactory.getLogger(CompactionIT.class);
    private static final double TOLERANCE = 1e-4;

    static Stream<Arguments> models() {
        return Stream.of(
                model("mlp", DiscoveryModels::mlp, DiscoveryModels.MLP_INPUT, 1, 2, 3),
                model("vgg", DiscoveryModels::vgg, DiscoveryModels.IMAGE_INPUT, 1, 2, 3),
                model(
                        "inception",
                        DiscoveryModels::inception,
                        DiscoveryModels.IMAGE_INPUT,
                        1,
                        2,
                        3),
                model(
                        "transformer",
                        DiscoveryModels::transformer,
                        DiscoveryModels.TOKEN_INPUT,
                        1,
                        2,
                        3),
                model("tiny-mlp", () -> TinyModels.mlp(5, 7, 3), new Shape(3, 5), 1, 2),
                model("tiny-cnn", () -> TinyModels.smallCnn(4), new Shape(2, 1, 12, 12), 1, 2),
                model(
                        "tiny-residual",
                        () -> TinyModels.residualBlock(5),
                        new Shape(2, 5, 6, 6),
                        1,
                        2),
                model(
                        "depthwise",
                        CompactFixtures::depthwise,
                        CompactFixtures.DEPTHWISE_INPUT,
                        1,
                        2,
                        3),
                model("conv1d", CompactFixtures::conv1d, CompactFixtures.CONV1D_INPUT, 1, 2),
                model(
                        "resnet20",
                        () ->
                                ResNetV1.builder()
                                        .setNumLayers(20)
                                        .setOutSize(5)
                                        .setImageShape(new Shape(3, 16, 16))
                                        .build(),
                        new Shape(2, 3, 16, 16),
                        1,
                        2),
                model(
                        "resnet18-bottleneck",
                        () ->
                                ResNetV1.builder()
                                        .setNumLayers(18)
                                        .setOutSize(4)
                                        .setImageShape(new Shape(3, 64, 64))
                                        .build(),
                        new Shape(1, 3, 64, 64),
                        1));
    }

    private static Arguments model(
            String name, Supplier<Block> factory, Shape input, long... seeds) {
        return Arguments.of(name, factory, input, seeds);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void compactModelComputesWhatTheZeroedModelComputes(
            String name, Supplier<Block> factory, Shape input, long[] seeds) {
        for (long seed : seeds) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Block block = CompactFixtures.init(factory.get(), manager, input, seed);
                DiscoveryReport report = GroupDiscovery.builder().build().discover(block, input);
                assertFalse(report.prunableGroups().isEmpty(), name);
                Map<String, int[]> zeroed = CompactFixtures.zeroRandomChannels(block, report, seed);
                long expected = CompactFixtures.expectedParameters(block, report, zeroed);
                long dense = CompactFixtures.parameterCount(block);
                try (CompactModel compact = Compaction.compactZeroChannels(block, report, input);
                        CompactModel given = Compaction.compact(block, report, zeroed, input)) {
                    Map<String, int[]> found = compact.selection().removed();
                    assertEquals(zeroed.keySet(), found.keySet(), name);
                    zeroed.forEach((g, c) -> assertArrayEquals(c, found.get(g), name + " " + g));

                    Block small = compact.model().getBlock();
                    assertEquals(expected, CompactFixtures.parameterCount(small), name);
                    assertEquals(expected, compact.report().after().parameters(), name);
                    assertEquals(dense, compact.report().before().parameters(), name);
                    assertTrue(expected < dense, name);
                    assertSameParameterPaths(block, small);

                    double worst = 0;
                    double scale = 0;
                    for (int i = 0; i < 3; i++) {
                        NDArray x = CompactFixtures.input(manager, input, 100 * seed + i);
                        float[] full = CompactFixtures.forward(block, manager, x);
                        float[] a = CompactFixtures.forward(small, manager, x);
                        float[] b = CompactFixtures.forward(given.model().getBlock(), manager, x);
                        worst = Math.max(worst, CompactFixtures.maxAbsDiff(full, a));
                        scale = Math.max(scale, CompactFixtures.maxAbs(full));
                        assertArrayEquals(a, b, name);
                    }
                    LOG.info(
                            "{} seed {}: {} channels removed, parameters {} -> {}, MACs {} -> {},"
                                    + " max |output| {}, max |diff| {}",
                            name,
                            seed,
                            compact.selection().count(),
                            dense,
                            expected,
                            compact.report().before().macs(),
                            compact.report().after().macs(),
                            scale,
                            worst);
                    assertTrue(worst <= TOLERANCE, name + " seed " + seed + ": " + worst);
                }
            }
        }
    }

    private static void assertSameParameterPaths(Block original, Block compact) {
        StringBuilder a = new StringBuilder();
        for (Pair<String, Parameter> p : original.getParameters()) {
            a.append(p.getKey()).append('\n');
        }
        StringBuilder b = new StringBuilder();
        for (Pair<String, Parameter> p : compact.getParameters()) {
            b.append(p.getKey()).append('\n');
        }
        assertEquals(a.toString(), b.toString());
    }
}
