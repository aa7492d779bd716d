package ai.hesso.djl.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.fixtures.DiscoveryModels;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sanity check catches wrong groupings and leaves the parameters as it found them. */
class SanityCheckTest {

    @Test
    void wrongGroupingsFailAndParametersAreRestored() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = Models.init(DiscoveryModels.vgg(), manager, DiscoveryModels.IMAGE_INPUT);
            DiscoveryReport report =
                    GroupDiscovery.builder().build().discover(block, DiscoveryModels.IMAGE_INPUT);
            DiscoveredGroup right = report.group("01Conv2d").orElseThrow();
            float[] before = block.getParameters().get("04Conv2d_weight").getArray().toFloatArray();

            // Without the batch norm's gamma and beta the zeroed conv channel still feeds beta.
            DiscoveredGroup noBatchNorm =
                    new DiscoveredGroup(
                            NodeGroup.prunable(
                                    "conv-only",
                                    4,
                                    List.of(
                                            GroupMember.rows("01Conv2d_weight"),
                                            GroupMember.rows("01Conv2d_bias"))),
                            right.consumers(),
                            right.companions(),
                            new GroupBlocks(List.of("01Conv2d"), List.of("04Conv2d")));
            // Rows 0..3 of the 09Linear group, but the consumer slice shifted by one column: the
            // randomised column 4 of the output layer reads the live unit 4.
            DiscoveredGroup shifted =
                    new DiscoveredGroup(
                            NodeGroup.prunable(
                                    "shifted",
                                    4,
                                    List.of(
                                            GroupMember.rows("09Linear_weight"),
                                            GroupMember.rows("09Linear_bias"))),
                            List.of(new ParameterSlice("11Linear_weight", 1, 1, 1)),
                            List.of(),
                            new GroupBlocks(List.of("09Linear"), List.of("11Linear")));
            SanityCheck check = SanityCheck.builder().optSeed(3).optFraction(0.25).build();
            List<SanityResult> results =
                    check.check(block, List.of(right, noBatchNorm), DiscoveryModels.IMAGE_INPUT);
            assertTrue(results.get(0).passed(), results.get(0).toString());
            assertFalse(results.get(1).passed(), results.get(1).toString());
            assertTrue(results.get(1).maxDifference() > 1e-3);

            SanityResult wrongSlice =
                    SanityCheck.builder()
                            .optFraction(1.0)
                            .build()
                            .check(block, List.of(shifted), DiscoveryModels.IMAGE_INPUT)
                            .get(0);
            assertEquals(List.of(0, 1, 2, 3), wrongSlice.zeroedChannels());
            assertFalse(wrongSlice.passed(), wrongSlice.toString());

            float[] after = block.getParameters().get("04Conv2d_weight").getArray().toFloatArray();
            assertEquals(before.length, after.length);
            for (int i = 0; i < before.length; i++) {
                assertEquals(before[i], after[i]);
            }
            assertThrows(
                    IllegalStateException.class,
                    () ->
                            SanityCheck.builder()
                                    .optSeed(3)
                                    .optFraction(0.25)
                                    .optFailOnError(true)
                                    .build()
                                    .check(
                                            block,
                                            List.of(right, noBatchNorm),
                                            DiscoveryModels.IMAGE_INPUT));
        }
    }
}
