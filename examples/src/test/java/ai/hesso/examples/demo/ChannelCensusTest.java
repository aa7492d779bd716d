package ai.hesso.examples.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.fixtures.DiscoveryModels;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelCensusTest {

    private static NDArray array(Block block, String name) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getKey().equals(name)) {
                return p.getValue().getArray();
            }
        }
        throw new AssertionError("no parameter " + name);
    }

    private static NodeGroup first(int channels) {
        return NodeGroup.prunable(
                "01Linear",
                channels,
                List.of(GroupMember.rows("01Linear_weight"), GroupMember.rows("01Linear_bias")));
    }

    @Test
    void aChannelIsZeroOnlyWhenEveryMemberRowIs() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block mlp = DiscoveryModels.mlp();
            mlp.initialize(manager, DataType.FLOAT32, DiscoveryModels.MLP_INPUT);
            // the weight of channel 2 and 5 is zeroed, the bias only of channel 2
            array(mlp, "01Linear_weight").set(new NDIndex("2"), 0f);
            array(mlp, "01Linear_weight").set(new NDIndex("5"), 0f);
            array(mlp, "01Linear_bias").set(new NDIndex("2"), 0f);
            array(mlp, "01Linear_bias").set(new NDIndex("5"), 1f);
            ChannelCensus.GroupCensus census =
                    new ChannelCensus(mlp).census(List.of(first(8))).get(0);
            assertEquals(1, census.zeroChannels());
            assertArrayEquals(
                    new boolean[] {false, false, true, false, false, false, false, false},
                    census.zero());
            // 5*8+8 + 8*6+6 + 6*3+3
            assertEquals(123, new ChannelCensus(mlp).trainableParameters());
        }
    }

    @Test
    void aMemberThatDoesNotFitItsGroupIsNamed() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block mlp = DiscoveryModels.mlp();
            mlp.initialize(manager, DataType.FLOAT32, DiscoveryModels.MLP_INPUT);
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> new ChannelCensus(mlp).census(List.of(first(7))));
            assertEquals(
                    "node group '01Linear' has 7 channels, but member tensor '01Linear_weight' of"
                            + " shape [8, 5] has 8 on its channel axis 0; every member needs the"
                            + " group's channel count on its channel axis",
                    e.getMessage());
        }
    }
}
