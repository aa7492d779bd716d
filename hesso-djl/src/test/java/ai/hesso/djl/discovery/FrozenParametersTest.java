package ai.hesso.djl.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.hesso.fixtures.DiscoveryModels;
import ai.hesso.fixtures.ParameterValues;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Parameters HESSO never updates (a batch norm without scale or shift, a frozen layer) are never
 * members: a zero one is carried as a companion, any other blocks its group with a reason.
 */
class FrozenParametersTest {

    private static final Shape INPUT = DiscoveryModels.IMAGE_INPUT;

    private NDManager manager;
    private Block block;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
        block = Models.init(DiscoveryModels.partlyFrozen(), manager, INPUT);
        // as built: the absent scale is 1, the absent shift is 0 (Models.init randomised them)
        ParameterValues.set(block.getParameters().get("02BatchNorm_gamma").getArray(), 1, 1, 1, 1);
        ParameterValues.set(block.getParameters().get("05BatchNorm_beta").getArray(), new float[6]);
        block.getChildren().get("07Conv2d").freezeParameters(true);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static List<String> companions(DiscoveredGroup g) {
        return g.companions().stream().map(ParameterSlice::parameter).toList();
    }

    @Test
    void frozenParametersAreCompanionsAndBlockOnlyWhereTheyAreNotZero() {
        DiscoveryReport r = GroupDiscovery.builder().build().discover(block, INPUT);
        Models.assertDisjoint(r);

        // optScale(false): gamma is a frozen 1, so a removed channel would still output
        // -runningMean / sqrt(runningVar + eps) in inference
        DiscoveredGroup first = r.group("01Conv2d").orElseThrow();
        assertEquals(
                List.of("01Conv2d_weight", "01Conv2d_bias", "02BatchNorm_beta"),
                Models.members(first));
        assertEquals(
                List.of("02BatchNorm_gamma", "02BatchNorm_runningMean", "02BatchNorm_runningVar"),
                companions(first));
        assertFalse(first.group().prunable());
        assertTrue(
                first.group().reason().contains("parameter 02BatchNorm_gamma is not trainable"),
                first.group().reason());

        // optCenter(false): beta is a frozen 0 and stays 0, so the group stays prunable
        DiscoveredGroup second = r.group("04Conv2d").orElseThrow();
        assertEquals(
                List.of("04Conv2d_weight", "04Conv2d_bias", "05BatchNorm_gamma"),
                Models.members(second));
        assertEquals(
                List.of("05BatchNorm_beta", "05BatchNorm_runningMean", "05BatchNorm_runningVar"),
                companions(second));
        assertTrue(second.group().prunable(), second.group().reason());
        assertEquals(
                new GroupBlocks(List.of("04Conv2d", "05BatchNorm"), List.of("07Conv2d")),
                second.blocks());

        // the frozen convolution makes the channels: its group keeps the trainable batch norm
        DiscoveredGroup frozen = r.groupOf("08BatchNorm_gamma").orElseThrow();
        assertEquals(List.of("08BatchNorm_gamma", "08BatchNorm_beta"), Models.members(frozen));
        assertTrue(companions(frozen).containsAll(List.of("07Conv2d_weight", "07Conv2d_bias")));
        assertFalse(frozen.group().prunable());
        assertTrue(
                frozen.group().reason().contains("parameter 07Conv2d_weight is not trainable"),
                frozen.group().reason());

        // no member of any group is frozen, so the optimizer's validation accepts them all
        for (DiscoveredGroup g : r.groups()) {
            for (String m : Models.members(g)) {
                assertTrue(block.getParameters().get(m).requiresGradient(), m);
            }
        }
        List<SanityResult> sanity = SanityCheck.builder().build().check(block, r, INPUT);
        assertEquals(1, sanity.size());
        assertEquals(0.0, sanity.get(0).maxDifference(), sanity.get(0).toString());
    }

    @Test
    void aFrozenNonZeroShiftBlocksItsGroup() {
        ParameterValues.set(
                block.getParameters().get("05BatchNorm_beta").getArray(), 0, 0, 0.5f, 0, 0, 0);
        DiscoveredGroup second =
                GroupDiscovery.builder()
                        .build()
                        .discover(block, INPUT)
                        .group("04Conv2d")
                        .orElseThrow();
        assertFalse(second.group().prunable());
        assertTrue(
                second.group().reason().contains("parameter 05BatchNorm_beta is not trainable"),
                second.group().reason());
    }

    @Test
    void aWhollyFrozenProducerIsNoGroupAndSaysSo() {
        block.freezeParameters(false);
        block.getChildren().get("07Conv2d").freezeParameters(true);
        block.getChildren().get("08BatchNorm").freezeParameters(true);
        DiscoveryReport r = GroupDiscovery.builder().build().discover(block, INPUT);
        assertTrue(r.groupOf("08BatchNorm_gamma").isEmpty());
        assertTrue(
                r.findings().stream()
                        .anyMatch(
                                f ->
                                        f.subject().equals("07Conv2d")
                                                && f.message().contains("frozen parameters only")
                                                && f.message().contains("07Conv2d_weight")),
                r.findings().toString());
    }
}
