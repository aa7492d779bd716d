package ai.hesso.djl.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.fixtures.DiscoveryModels;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DJL's transformer encoder: whole attention heads, the feed-forward hidden units and the residual
 * embedding stream are node groups; the heads and the hidden units are prunable, the stream stays
 * whole because compaction keeps the attention block's embedding width.
 */
class AttentionDiscoveryTest {

    private static final String ENC = "02TransformerEncoderBlock_";
    private static final String ATT = ENC + "01selfAttention_";
    private static final String FFN = ENC + "03outputBlock_";

    private static ParameterSlice in(String parameter) {
        return new ParameterSlice(parameter, 1, 0, 1);
    }

    @Test
    void headsHiddenUnitsAndTheStreamAreGroupsTheHeadsAndHiddenUnitsPrunable() {
        Shape input = DiscoveryModels.SEQUENCE_INPUT;
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = Models.init(DiscoveryModels.encoder(), manager, input);
            DiscoveryReport r = GroupDiscovery.builder().build().discover(block, input);
            Models.assertDisjoint(r);
            assertEquals(4, r.groups().size(), r.format());

            // 4 heads of 2 units: each head owns 2 consecutive rows of Q, K and V, and 2
            // consecutive input columns of the result projection
            DiscoveredGroup heads =
                    r.group(ATT + "heads").orElseThrow(() -> new AssertionError(r.format()));
            assertEquals(DiscoveryModels.ENCODER_HEADS, heads.group().channels());
            assertTrue(heads.group().prunable(), heads.group().reason());
            assertEquals(
                    List.of(
                            GroupMember.rowBlocks(ATT + "02queryProjection_weight", 2),
                            GroupMember.rowBlocks(ATT + "02queryProjection_bias", 2),
                            GroupMember.rowBlocks(ATT + "01keyProjection_weight", 2),
                            GroupMember.rowBlocks(ATT + "01keyProjection_bias", 2),
                            GroupMember.rowBlocks(ATT + "03valueProjection_weight", 2),
                            GroupMember.rowBlocks(ATT + "03valueProjection_bias", 2)),
                    heads.group().members());
            assertEquals(
                    List.of(new ParameterSlice(ATT + "04resultProjection_weight", 1, 0, 2)),
                    heads.consumers());
            assertEquals(8, heads.consumers().get(0).start(DiscoveryModels.ENCODER_HEADS));

            DiscoveredGroup hidden = r.group(FFN + "01Linear").orElseThrow();
            assertEquals(DiscoveryModels.ENCODER_HIDDEN, hidden.group().channels());
            assertTrue(hidden.group().prunable(), hidden.group().reason());
            assertEquals(
                    List.of(FFN + "01Linear_weight", FFN + "01Linear_bias"),
                    Models.members(hidden));
            assertEquals(List.of(in(FFN + "03Linear_weight")), hidden.consumers());

            // the residual sums couple the embedding, the result projection, the feed-forward
            // output and both batch norms; the mean over the tokens keeps the channels
            DiscoveredGroup stream = r.group("01Linear").orElseThrow();
            assertEquals(DiscoveryModels.ENCODER_WIDTH, stream.group().channels());
            assertFalse(stream.group().prunable());
            assertTrue(
                    stream.group()
                            .reason()
                            .contains(
                                    "the embedding stream of attention block "
                                            + ENC
                                            + "01selfAttention stays whole: compaction removes"
                                            + " whole heads but keeps the block's input and output"
                                            + " width"),
                    stream.group().reason());
            assertEquals(
                    List.of(
                            "01Linear_weight",
                            "01Linear_bias",
                            ATT + "04resultProjection_weight",
                            ATT + "04resultProjection_bias",
                            ENC + "02attentionNorm_gamma",
                            ENC + "02attentionNorm_beta",
                            FFN + "03Linear_weight",
                            FFN + "03Linear_bias",
                            ENC + "04outputNorm_gamma",
                            ENC + "04outputNorm_beta"),
                    Models.members(stream));
            assertEquals(
                    List.of(
                            in(ATT + "01keyProjection_weight"),
                            in(ATT + "02queryProjection_weight"),
                            in(ATT + "03valueProjection_weight"),
                            in(FFN + "01Linear_weight"),
                            in("04Linear_weight")),
                    stream.consumers());
            assertFalse(r.group("04Linear").orElseThrow().group().prunable());
            assertTrue(r.format().contains("rows/channel"), r.format());

            List<SanityResult> sanity = SanityCheck.builder().build().check(block, r, input);
            assertEquals(2, sanity.size());
            for (SanityResult s : sanity) {
                assertTrue(s.passed(), s.toString());
                assertEquals(0.0, s.maxDifference(), s.toString());
            }
        }
    }

    @Test
    void aHeadGroupWithoutItsValueRowsFailsTheSanityCheck() {
        Shape input = DiscoveryModels.SEQUENCE_INPUT;
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = Models.init(DiscoveryModels.encoder(), manager, input);
            DiscoveredGroup heads =
                    GroupDiscovery.builder()
                            .build()
                            .discover(block, input)
                            .group(ATT + "heads")
                            .orElseThrow();
            // queries and keys alone: the head's values still reach the result projection
            DiscoveredGroup queriesAndKeys =
                    new DiscoveredGroup(
                            NodeGroup.prunable("qk", 4, heads.group().members().subList(0, 4)),
                            heads.consumers(),
                            List.of(),
                            heads.blocks());
            SanityResult result =
                    SanityCheck.builder()
                            .build()
                            .check(block, List.of(queriesAndKeys), input)
                            .get(0);
            assertFalse(result.passed(), result.toString());
        }
    }
}
