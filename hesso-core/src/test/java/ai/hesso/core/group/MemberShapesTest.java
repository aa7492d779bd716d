package ai.hesso.core.group;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemberShapesTest {

    private static final GroupMember CONV = GroupMember.rows("conv.w");
    private static final GroupMember TCONV = new GroupMember("tconv.w", ChannelAxis.SECOND);
    private static final NodeGroup GROUP = NodeGroup.prunable("g", 4, List.of(CONV, TCONV));

    @Test
    void aConvWeightFitsWithItsChannelsOnAxisZero() {
        assertTrue(MemberShapes.fits(GROUP, CONV, new long[] {4, 3, 2, 2}));
        assertTrue(MemberShapes.fits(GROUP, CONV, new long[] {4}));
        assertDoesNotThrow(() -> MemberShapes.check(GROUP, CONV, new int[] {4, 3, 2, 2}));
    }

    @Test
    void aTransposedConvWeightFitsWithItsChannelsOnAxisOne() {
        assertTrue(MemberShapes.fits(GROUP, TCONV, new long[] {3, 4, 2, 2}));
        assertFalse(MemberShapes.fits(GROUP, TCONV, new long[] {4, 3, 2, 2}));
    }

    @Test
    void aWrongChannelCountNamesGroupTensorShapeAndAxis() {
        assertFalse(MemberShapes.fits(GROUP, TCONV, new long[] {4, 5}));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> MemberShapes.check(GROUP, TCONV, new long[] {4, 5}));
        assertEquals(
                "node group 'g' has 4 channels, but member tensor 'tconv.w' of shape [4, 5] has 5"
                        + " on its channel axis 1; every member needs the group's channel count on"
                        + " its channel axis",
                e.getMessage());
    }

    @Test
    void anAttentionHeadOwnsItsRowsPerChannelConsecutiveRows() {
        // 4 heads of size 3: a (12, 8) projection weight and its (12) bias
        GroupMember head = GroupMember.rowBlocks("q.w", 3);
        assertEquals(new GroupMember("q.w", ChannelAxis.FIRST, 3), head);
        assertTrue(MemberShapes.fits(GROUP, head, new long[] {12, 8}));
        assertTrue(MemberShapes.fits(GROUP, head, new long[] {12}));
        assertFalse(MemberShapes.fits(GROUP, head, new long[] {4, 8}));
        assertEquals(4, MemberShapes.channels(head, new int[] {12, 8}));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> MemberShapes.check(GROUP, head, new long[] {8, 8}));
        assertEquals(
                "node group 'g' has 4 channels of 3 rows each, but member tensor 'q.w' of shape"
                        + " [8, 8] has 8 on its channel axis 0; every member needs the group's"
                        + " channel count times its rows per channel on its channel axis",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GroupMember.rowBlocks("q.w", 0));
    }

    @Test
    void aTensorWithoutTheChannelAxisIsNamed() {
        assertFalse(MemberShapes.fits(GROUP, TCONV, new long[] {4}));
        assertFalse(MemberShapes.fits(GROUP, CONV, new long[0]));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> MemberShapes.check(GROUP, TCONV, new int[] {4}));
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "node group 'g' has 4 channels, but member tensor"
                                        + " 'tconv.w' of shape [4] has no axis 1;"),
                e.getMessage());
    }

    @Test
    void channelsReadsTheMembersAxis() {
        assertEquals(6, MemberShapes.channels(CONV, new int[] {6, 3}));
        assertEquals(3, MemberShapes.channels(TCONV, new int[] {6, 3, 2}));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> MemberShapes.channels(TCONV, new int[] {6}));
        assertEquals(
                "member tensor 'tconv.w' of shape [6] has rank 1, so it has no channel axis 1",
                e.getMessage());
    }
}
