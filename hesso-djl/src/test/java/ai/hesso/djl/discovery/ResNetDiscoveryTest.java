package ai.hesso.djl.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DJL's own {@link ResNetV1}: residual adds couple every unit's last conv and batch norm (and the
 * first unit's projection shortcut) of a stage into one node group.
 */
class ResNetDiscoveryTest {

    /**
     * Discovers and sanity-checks; {@code pairwise} adds the separating subsets to the random one
     * (about 15 more forward passes per group, left out on the larger model to keep the suite fast:
     * ChannelMixingTest covers what they add).
     */
    private static DiscoveryReport discoverAndCheck(
            Block block, Shape input, NDManager manager, boolean pairwise) {
        Models.init(block, manager, input);
        DiscoveryReport report = GroupDiscovery.builder().build().discover(block, input);
        Models.assertDisjoint(report);
        for (SanityResult r :
                SanityCheck.builder().optPairwise(pairwise).build().check(block, report, input)) {
            assertTrue(r.passed(), r.toString());
        }
        return report;
    }

    private static List<String> convBn(String unit, int conv, int bn, boolean bias) {
        List<String> out = new ArrayList<>();
        String c = String.format("%s_%02dConv2d", unit, conv);
        String b = String.format("%s_%02dBatchNorm", unit, bn);
        out.add(c + "_weight");
        if (bias) {
            out.add(c + "_bias");
        }
        out.add(b + "_gamma");
        out.add(b + "_beta");
        return out;
    }

    private static String unit(int index) {
        return String.format("%02dParallelBlock", index);
    }

    @Test
    void resnet20CifarStyle() {
        Shape input = new Shape(1, 3, 8, 8);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block =
                    ResNetV1.builder()
                            .setNumLayers(20)
                            .setOutSize(3)
                            .setImageShape(new Shape(3, 8, 8))
                            .build();
            DiscoveryReport r = discoverAndCheck(block, input, manager, true);
            // stem + 9 units x 1 inner group + 3 stages + the head.
            assertEquals(14, r.groups().size());
            assertEquals(13, r.prunableGroups().size());

            DiscoveredGroup stem = r.group("01Conv2d").orElseThrow();
            assertEquals(16, stem.group().channels());
            assertEquals(List.of("01Conv2d_weight"), Models.members(stem));
            assertEquals(
                    List.of(
                            new ParameterSlice(
                                    unit(2) + "_01SequentialBlock_01Conv2d_weight", 1, 0, 1),
                            new ParameterSlice(
                                    unit(2) + "_02SequentialBlock_01Conv2d_weight", 1, 0, 1)),
                    stem.consumers());

            int[] widths = {16, 32, 64};
            for (int stage = 0; stage < 3; stage++) {
                int first = 2 + 3 * stage;
                List<String> expected = new ArrayList<>();
                for (int u = first; u < first + 3; u++) {
                    String body = unit(u) + "_01SequentialBlock";
                    DiscoveredGroup inner = r.group(body + "_01Conv2d").orElseThrow();
                    assertEquals(widths[stage], inner.group().channels());
                    assertTrue(inner.group().prunable());
                    assertEquals(convBn(body, 1, 2, false), Models.members(inner));
                    assertEquals(
                            List.of(new ParameterSlice(body + "_04Conv2d_weight", 1, 0, 1)),
                            inner.consumers());
                    expected.addAll(convBn(body, 4, 5, false));
                    if (u == first) {
                        expected.addAll(convBn(unit(u) + "_02SequentialBlock", 1, 2, false));
                    }
                }
                DiscoveredGroup stageGroup =
                        r.group(unit(first) + "_01SequentialBlock_04Conv2d").orElseThrow();
                assertEquals(widths[stage], stageGroup.group().channels());
                assertTrue(stageGroup.group().prunable());
                assertEquals(expected, Models.members(stageGroup));
                // consumed by the next two units' first convs, then the next stage or the head.
                int expectedConsumers = stage < 2 ? 4 : 3;
                assertEquals(expectedConsumers, stageGroup.consumers().size());
            }
            assertEquals(
                    List.of(
                            new ParameterSlice(
                                    unit(9) + "_01SequentialBlock_01Conv2d_weight", 1, 0, 1),
                            new ParameterSlice(
                                    unit(10) + "_01SequentialBlock_01Conv2d_weight", 1, 0, 1),
                            new ParameterSlice("13Linear_weight", 1, 0, 1)),
                    r.group(unit(8) + "_01SequentialBlock_04Conv2d").orElseThrow().consumers());
            assertFalse(r.group("13Linear").orElseThrow().group().prunable());
        }
    }

    @Test
    void resnet18ImageNetStyleBottleneck() {
        Shape input = new Shape(1, 3, 64, 64);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block =
                    ResNetV1.builder()
                            .setNumLayers(18)
                            .setOutSize(4)
                            .setImageShape(new Shape(3, 64, 64))
                            .build();
            DiscoveryReport r = discoverAndCheck(block, input, manager, false);
            // stem + 8 units x 2 inner groups + 4 stages + the head.
            assertEquals(22, r.groups().size());
            assertEquals(21, r.prunableGroups().size());

            DiscoveredGroup stem = r.group("01Conv2d").orElseThrow();
            assertEquals(64, stem.group().channels());
            assertEquals(
                    List.of("01Conv2d_weight", "02BatchNorm_gamma", "02BatchNorm_beta"),
                    Models.members(stem));

            int[] widths = {64, 128, 256, 512};
            for (int stage = 0; stage < 4; stage++) {
                int first = 5 + 2 * stage;
                List<String> expected = new ArrayList<>();
                for (int u = first; u < first + 2; u++) {
                    String body = unit(u) + "_01SequentialBlock";
                    DiscoveredGroup a = r.group(body + "_01Conv2d").orElseThrow();
                    DiscoveredGroup b = r.group(body + "_04Conv2d").orElseThrow();
                    assertEquals(widths[stage] / 4, a.group().channels());
                    assertEquals(widths[stage] / 4, b.group().channels());
                    assertEquals(convBn(body, 1, 2, true), Models.members(a));
                    assertEquals(convBn(body, 4, 5, false), Models.members(b));
                    expected.addAll(convBn(body, 7, 8, true));
                    if (u == first) {
                        expected.addAll(convBn(unit(u) + "_02SequentialBlock", 1, 2, false));
                    }
                }
                DiscoveredGroup stageGroup =
                        r.group(unit(first) + "_01SequentialBlock_07Conv2d").orElseThrow();
                assertEquals(widths[stage], stageGroup.group().channels());
                assertEquals(expected, Models.members(stageGroup));
            }
        }
    }
}
