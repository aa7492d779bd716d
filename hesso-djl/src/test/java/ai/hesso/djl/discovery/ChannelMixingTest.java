package ai.hesso.djl.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.fixtures.DiscoveryModels;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A lambda that adds channel 5 into channel 6 and is otherwise the identity: its producer must be
 * unprunable at every batch size and probe seed, and the sanity check must catch a hand-made
 * grouping that declares it prunable, on every seed.
 */
class ChannelMixingTest {

    private static final int[] BATCHES = {1, 2, 4, 8, 16, 32};
    private static final long[] SEEDS = {0, 1, 2, 3, 4, 5};
    private static final String MIX = "04LambdaBlock";

    private static Shape input(int batch) {
        return new Shape(batch, 3, 8, 8);
    }

    @Test
    void theMixedProducerIsUnprunableAtEveryBatchSizeAndSeed() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = Models.init(DiscoveryModels.channelMixing(), manager, input(2));
            for (int batch : BATCHES) {
                for (long seed : SEEDS) {
                    DiscoveryReport r =
                            GroupDiscovery.builder()
                                    .optProbeSeed(seed)
                                    .build()
                                    .discover(block, input(batch));
                    String where = "batch " + batch + ", seed " + seed;
                    NodeGroup conv = r.group("01Conv2d").orElseThrow().group();
                    assertEquals(DiscoveryModels.MIXING_CHANNELS, conv.channels(), where);
                    assertFalse(conv.prunable(), where);
                    assertTrue(conv.reason().contains("unsupported block " + MIX), conv.reason());
                    assertTrue(
                            r.findings().stream()
                                    .anyMatch(
                                            f ->
                                                    f.subject().equals(MIX)
                                                            && f.message()
                                                                    .contains("mixes channels")),
                            where + ": " + r.findings());
                    // the layer after the lambda is untouched by it
                    assertTrue(r.group("05Conv2d").orElseThrow().group().prunable(), where);
                    assertEquals(1, r.prunableGroups().size(), where);
                }
            }
        }
    }

    @Test
    void aPlainIdentityLambdaIsStillChannelWise() {
        // the same probes accept the identity on 64 channels at every batch size
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int batch : BATCHES) {
                Block block =
                        Models.init(DiscoveryModels.vgg(), manager, DiscoveryModels.IMAGE_INPUT);
                DiscoveryReport r =
                        GroupDiscovery.builder().build().discover(block, new Shape(batch, 3, 8, 8));
                assertEquals(3, r.prunableGroups().size(), "batch " + batch + ": " + r.format());
            }
        }
    }

    @Test
    void theSanityCheckRejectsTheWrongGroupingOnEverySeed() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int batch : new int[] {1, 16}) {
                Shape in = input(batch);
                Block block = Models.init(DiscoveryModels.channelMixing(), manager, in);
                DiscoveryReport r = GroupDiscovery.builder().build().discover(block, in);
                DiscoveredGroup truth = r.group("01Conv2d").orElseThrow();
                // what the old probes could declare: the conv and its batch norm prunable, the
                // next conv's input channels as consumers
                DiscoveredGroup wrong =
                        new DiscoveredGroup(
                                NodeGroup.prunable(
                                        "01Conv2d",
                                        DiscoveryModels.MIXING_CHANNELS,
                                        truth.group().members()),
                                List.of(new ParameterSlice("05Conv2d_weight", 1, 0, 1)),
                                truth.companions(),
                                new GroupBlocks(
                                        List.of("01Conv2d", "02BatchNorm"), List.of("05Conv2d")));
                DiscoveredGroup right = r.group("05Conv2d").orElseThrow();
                for (long seed = 0; seed < 6; seed++) {
                    String where = "batch " + batch + ", seed " + seed;
                    List<SanityResult> results =
                            SanityCheck.builder()
                                    .optSeed(seed)
                                    .build()
                                    .check(block, List.of(wrong, right), in);
                    SanityResult bad = results.get(0);
                    assertFalse(bad.passed(), where + ": " + bad);
                    // the failing subset removes channel 6 and keeps channel 5
                    assertTrue(
                            bad.zeroedChannels().contains(DiscoveryModels.MIXING_TARGET)
                                    && !bad.zeroedChannels()
                                            .contains(DiscoveryModels.MIXING_SOURCE),
                            where + ": " + bad.zeroedChannels());
                    assertTrue(bad.maxDifference() > 1e-3, where + ": " + bad);
                    assertTrue(results.get(1).passed(), where + ": " + results.get(1));
                    assertEquals(0.0, results.get(1).maxDifference(), where);
                }
            }
        }
    }
}
