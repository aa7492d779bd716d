package ai.hesso.djl.compact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.fixtures.DiscoveryModels;
import ai.hesso.fixtures.ModelPatterns;
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
 * Every architecture the discovery tests use, and DJL's {@code ResNetV1}: zero random channels of
 * every prunable group (over several seeds, some groups keeping a single channel, every group in
 * seeds divisible by 4, which every model runs), compact, and check that the compact model computes
 * what the zeroed model computes (inference mode, non-trivial batch-norm running statistics) and
 * has exactly the parameter count the report's slices imply, counted from its arrays. Both ways of
 * naming the channels are used and must agree: the exact zeros, and the map in the form {@code
 * HessoDriver.prunedChannels()} returns.
 *
 * <p>Models with a block of the user's own class ({@code DiscoveryHandlerTest}'s {@code Scale},
 * {@code GroupDiscoveryTest}'s {@code Mystery}) cannot be rebuilt; {@link CompactionValidationIT}
 * checks that they are refused by name.
 */
class CompactionIT {

    private static final Logger LOG = LoggerFactory.getLogger(CompactionIT.class);
    private static final double TOLERANCE = 1e-4;

    static Stream<Arguments> models() {
        Shape image = DiscoveryModels.IMAGE_INPUT;
        return Stream.of(
                model("mlp", DiscoveryModels::mlp, DiscoveryModels.MLP_INPUT, 1, 2, 3, 4),
                model(
                        "mlp-sigmoid",
                        DiscoveryModels::mlpWithSigmoid,
                        DiscoveryModels.MLP_INPUT,
                        1,
                        2,
                        4),
                model("vgg", DiscoveryModels::vgg, image, 1, 2, 3, 4),
                model(
                        "vgg-2-stages",
                        () -> ModelPatterns.vgg(new int[][] {{4, 6}, {5}}, new int[] {7, 5}, 3),
                        image,
                        1,
                        2,
                        4),
                model("inception", DiscoveryModels::inception, image, 1, 2, 3, 4),
                model(
                        "inception-concat-to-head",
                        () ->
                                ModelPatterns.inception(
                                        new ModelPatterns.InceptionWidths(4, 3, 2, 3, 2, 0, 3)),
                        image,
                        1,
                        2,
                        4),
                model(
                        "transformer",
                        DiscoveryModels::transformer,
                        DiscoveryModels.TOKEN_INPUT,
                        1,
                        2,
                        3,
                        4),
                model("tiny-mlp", () -> TinyModels.mlp(5, 7, 3), new Shape(3, 5), 1, 2, 4),
                model("tiny-cnn", () -> TinyModels.smallCnn(4), new Shape(2, 1, 12, 12), 1, 2, 4),
                model(
                        "tiny-residual",
                        () -> TinyModels.residualBlock(5),
                        new Shape(2, 5, 6, 6),
                        1,
                        2,
                        4),
                model(
                        "depthwise",
                        CompactFixtures::depthwise,
                        CompactFixtures.DEPTHWISE_INPUT,
                        1,
                        2,
                        3,
                        4),
                model("conv1d", CompactFixtures::conv1d, CompactFixtures.CONV1D_INPUT, 1, 2, 4),
                model(
                        "resnet20",
                        CompactFixtures::resnet20,
                        CompactFixtures.RESNET20_INPUT,
                        1,
                        2,
                        4),
                model(
                        "resnet18-bottleneck",
                        CompactFixtures::resnet18,
                        CompactFixtures.RESNET18_INPUT,
                        1,
                        4));
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
            String label = name + " seed " + seed;
            try (NDManager manager = NDManager.newBaseManager()) {
                Block block = CompactFixtures.init(factory.get(), manager, input, seed);
                DiscoveryReport report = GroupDiscovery.builder().build().discover(block, input);
                assertFalse(report.prunableGroups().isEmpty(), label);
                Map<String, int[]> zeroed = CompactFixtures.zeroRandomChannels(block, report, seed);
                Map<String, int[]> pruned = CompactFixtures.asPrunedChannels(report, zeroed);
                long expected = CompactFixtures.expectedParameters(block, report, zeroed);
                long dense = CompactFixtures.parameterCount(block);
                try (CompactModel compact = Compaction.compactZeroChannels(block, report, input);
                        CompactModel given = Compaction.compact(block, report, pruned, input)) {
                    Map<String, int[]> found = compact.selection().removed();
                    assertEquals(zeroed.keySet(), found.keySet(), label);
                    zeroed.forEach((g, c) -> assertArrayEquals(c, found.get(g), label + " " + g));
                    assertEquals(found.keySet(), given.selection().removed().keySet(), label);
                    assertOneChannelLeft(report, zeroed, seed, label);

                    Block small = compact.model().getBlock();
                    assertEquals(expected, CompactFixtures.parameterCount(small), label);
                    assertEquals(expected, compact.report().after().parameters(), label);
                    assertEquals(
                            expected,
                            CompactFixtures.parameterCount(given.model().getBlock()),
                            label);
                    assertEquals(dense, compact.report().before().parameters(), label);
                    assertTrue(expected < dense, label);
                    assertTrue(
                            compact.report().after().macs() < compact.report().before().macs(),
                            label);
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
                        assertArrayEquals(a, b, label);
                    }
                    LOG.info(
                            "{}: {} channels removed, parameters {} -> {}, MACs {} -> {},"
                                    + " max |output| {}, max |diff| {}",
                            label,
                            compact.selection().count(),
                            dense,
                            expected,
                            compact.report().before().macs(),
                            compact.report().after().macs(),
                            scale,
                            worst);
                    // a difference of 0 everywhere would also pass for a model whose outputs are
                    // all 0: the scale shows they are not
                    assertTrue(scale > 0.05, label + ": outputs too small to compare, " + scale);
                    assertTrue(worst <= TOLERANCE, label + ": " + worst);
                }
            }
        }
    }

    /** The fixture's promise: in seeds divisible by 4 every group keeps exactly one channel. */
    private static void assertOneChannelLeft(
            DiscoveryReport report, Map<String, int[]> zeroed, long seed, String label) {
        if (seed % 4 != 0) {
            return;
        }
        assertFalse(zeroed.isEmpty(), label);
        zeroed.forEach(
                (g, c) ->
                        assertEquals(
                                1,
                                report.group(g).orElseThrow().group().channels() - c.length,
                                label + " " + g));
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
