package ai.hesso.core.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelIndexTest {

    private static NodeGroup group(String name, int n) {
        return NodeGroup.prunable(
                name, n, List.of(GroupMember.rows(name + ".w"), GroupMember.rows(name + ".b")));
    }

    @Test
    void numbersPrunableChannelsInGroupOrder() {
        ChannelIndex index =
                new ChannelIndex(
                        List.of(
                                group("conv1", 4),
                                NodeGroup.unprunable(
                                        "head", 10, List.of(GroupMember.rows("head.w")), "loss"),
                                group("conv2", 3)),
                        1);
        assertEquals(7, index.size());
        assertEquals(2, index.prunableGroups().size());
        assertEquals(3, index.allGroups().size());
        assertEquals(4, index.offset(1));
        assertEquals(1, index.groupOf(4));
        assertEquals(2, index.localChannel(6));
        assertEquals(0, index.groupOf(3));
    }

    @Test
    void groupsWithAtMostGroupDivisibleChannelsAreNotPrunable() {
        ChannelIndex index = new ChannelIndex(List.of(group("a", 4), group("b", 5)), 4);
        assertEquals(1, index.prunableGroups().size());
        assertEquals("b", index.prunableGroups().get(0).name());
        // with q = 1 a single-channel group is not prunable either
        assertEquals(0, new ChannelIndex(List.of(group("c", 1)), 1).size());
    }

    @Test
    void aTensorInTwoGroupsIsRejected() {
        NodeGroup one = NodeGroup.prunable("one", 2, List.of(GroupMember.rows("shared")));
        NodeGroup two = NodeGroup.prunable("two", 2, List.of(GroupMember.rows("shared")));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new ChannelIndex(List.of(one, two), 1));
        assertTrue(e.getMessage().contains("shared"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ChannelIndex(List.of(group("x", 2), group("x", 3)), 1));
        assertThrows(IllegalArgumentException.class, () -> new ChannelIndex(List.of(), 0));
    }

    @Test
    void nodeGroupValidatesItself() {
        assertThrows(
                IllegalArgumentException.class,
                () -> NodeGroup.prunable("g", 0, List.of(GroupMember.rows("w"))));
        assertThrows(IllegalArgumentException.class, () -> NodeGroup.prunable("g", 2, List.of()));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        NodeGroup.prunable(
                                "g", 2, List.of(GroupMember.rows("w"), GroupMember.rows("w"))));
        assertEquals(ChannelAxis.SECOND, ChannelAxis.of(1));
        assertThrows(IllegalArgumentException.class, () -> ChannelAxis.of(2));
    }
}
