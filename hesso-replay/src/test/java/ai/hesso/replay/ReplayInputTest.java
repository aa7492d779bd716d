package ai.hesso.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.hesso.core.group.ChannelAxis;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.saliency.SaliencyMix;
import ai.hesso.core.variant.Variant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayInputTest {

    private static final ReplaySettings SGD =
            new ReplaySettings(
                    Variant.SGD,
                    0.1,
                    0,
                    0,
                    0.9,
                    0.999,
                    1e-8,
                    0,
                    0.5,
                    0,
                    2,
                    1,
                    1,
                    SaliencyMix.defaults());

    private static final List<ReplayTensor> TENSORS =
            List.of(
                    new ReplayTensor("w", new int[] {3, 2}, new double[] {1, 2, 3, 4, 5, 6}),
                    new ReplayTensor("b", new int[] {3}, new double[] {1, 2, 3}));

    private static IllegalArgumentException reject(NodeGroup group) {
        return assertThrows(
                IllegalArgumentException.class,
                () -> new ReplayInput(SGD, TENSORS, List.of(group), List.of()));
    }

    @Test
    void aMemberWithAnotherChannelCountIsNamed() {
        NodeGroup group =
                NodeGroup.prunable(
                        "g",
                        3,
                        List.of(new GroupMember("w", ChannelAxis.SECOND), GroupMember.rows("b")));
        assertEquals(
                "nodeGroups: node group 'g' has 3 channels, but member tensor 'w' of shape [3, 2]"
                        + " has 2 on its channel axis 1; every member needs the group's channel"
                        + " count on its channel axis",
                reject(group).getMessage());
    }

    @Test
    void aMemberWithoutTheChannelAxisIsNamed() {
        NodeGroup group =
                NodeGroup.prunable(
                        "g",
                        3,
                        List.of(GroupMember.rows("w"), new GroupMember("b", ChannelAxis.SECOND)));
        assertEquals(
                "nodeGroups: node group 'g' has 3 channels, but member tensor 'b' of shape [3]"
                        + " has no axis 1; every member needs the group's channel count on its"
                        + " channel axis",
                reject(group).getMessage());
    }

    @Test
    void fittingMembersAreAccepted() {
        NodeGroup group =
                NodeGroup.prunable("g", 3, List.of(GroupMember.rows("w"), GroupMember.rows("b")));
        ReplayInput input =
                new ReplayInput(
                        SGD,
                        TENSORS,
                        List.of(group),
                        List.of(Map.of("w", new double[6], "b", new double[3])));
        assertEquals(1, input.steps());
        assertEquals(3, input.nodeGroups().get(0).channels());
    }
}
