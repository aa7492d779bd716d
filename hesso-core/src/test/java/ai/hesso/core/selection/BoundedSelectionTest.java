package ai.hesso.core.selection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.hesso.core.GroupSparsityBounds;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The global selection with floors and caps, by hand on groups of 4, 4 and 8 channels. */
class BoundedSelectionTest {

    /** Global indices 0-3 (a), 4-7 (b), 8-15 (c). */
    private static ChannelIndex index() {
        return new ChannelIndex(
                List.of(
                        NodeGroup.prunable("a", 4, List.of(GroupMember.rows("a.w"))),
                        NodeGroup.prunable("b", 4, List.of(GroupMember.rows("b.w"))),
                        NodeGroup.prunable("c", 8, List.of(GroupMember.rows("c.w")))),
                1);
    }

    /** a scores high (important), b lowest, c in between. */
    private static final double[] SCORES = {
        9, 8, 7, 6, 0.1, 0.2, 0.3, 0.4, 1, 2, 3, 4, 5, 5.5, 6.5, 7.5
    };

    @Test
    void withoutBoundsItIsTheGlobalLowestScores() {
        int[] bounded =
                BoundedSelection.select(
                        index(), SCORES, c -> true, new int[3], 6, 1, GroupSparsityBounds.NONE);
        assertArrayEquals(LowestScores.select(SCORES, c -> true, 6), bounded);
        assertArrayEquals(new int[] {4, 5, 6, 7, 8, 9}, bounded);
    }

    @Test
    void theCapKeepsAGroupFromBeingEmptied() {
        // cap 0.5: b may lose 2 of 4, a 2, c 4. The 6 lowest would be all of b (4-7) and c's 8, 9;
        // b stops at 2 (4, 5), then c's 8, 9, 10, 11
        int[] chosen =
                BoundedSelection.select(
                        index(),
                        SCORES,
                        c -> true,
                        new int[3],
                        6,
                        1,
                        new GroupSparsityBounds(0, 0.5));
        assertArrayEquals(new int[] {4, 5, 8, 9, 10, 11}, chosen);
    }

    @Test
    void theFloorMakesEveryGroupGiveItsShareFirst() {
        // floor 0.25 over one period: a owes 1 (its lowest, 3), b 1 (4), c 2 (8, 9); the other 2
        // of the quota of 6 go to the lowest of the rest: 5, 6
        int[] chosen =
                BoundedSelection.select(
                        index(),
                        SCORES,
                        c -> true,
                        new int[3],
                        6,
                        1,
                        new GroupSparsityBounds(0.25, 1));
        assertArrayEquals(new int[] {3, 4, 8, 9, 5, 6}, chosen);
    }

    @Test
    void aFloorIsSpreadOverThePeriodsLeft() {
        // floor 0.5: a owes 2, b 2, c 4; 2 periods left: ceil(owed / 2) = 1, 1, 2 now
        assertArrayEquals(
                new int[] {1, 1, 2},
                BoundedSelection.dues(index(), new int[3], 10, 2, new GroupSparsityBounds(0.5, 1)));
        // what a group lost before counts: a lost 2 already, owes nothing
        assertArrayEquals(
                new int[] {0, 1, 2},
                BoundedSelection.dues(
                        index(), new int[] {2, 0, 0}, 10, 2, new GroupSparsityBounds(0.5, 1)));
    }

    @Test
    void duesBeyondTheQuotaServeTheGroupsFurthestBelowTheirFloorFirst() {
        // floor 0.5, one period: a owes 2 of 4 (0.5), b 1 of 4 (lost 1: 0.25), c 4 of 8 (0.5);
        // quota 5: a (0.5, lower index than c) gets 2, c 3, b nothing
        assertArrayEquals(
                new int[] {2, 0, 3},
                BoundedSelection.dues(
                        index(), new int[] {0, 1, 0}, 5, 1, new GroupSparsityBounds(0.5, 1)));
    }

    @Test
    void capsThatLeaveTooFewCandidatesChooseFewer() {
        // cap 0.25: a 1, b 1, c 2: 4 channels at most, though 6 are asked for
        int[] chosen =
                BoundedSelection.select(
                        index(),
                        SCORES,
                        c -> true,
                        new int[3],
                        6,
                        1,
                        new GroupSparsityBounds(0, 0.25));
        assertEquals(4, chosen.length);
        assertArrayEquals(new int[] {4, 8, 9, 3}, chosen);
    }

    @Test
    void onlyCandidatesAreChosen() {
        // channels 4-7 already gone (not candidates, counted in before for b)
        int[] chosen =
                BoundedSelection.select(
                        index(),
                        SCORES,
                        c -> c < 4 || c >= 8,
                        new int[] {0, 4, 0},
                        3,
                        1,
                        new GroupSparsityBounds(0.25, 1));
        // dues: a 1 (3), b 0 (lost 4 >= 1), c 2 (8, 9): exactly the quota
        assertArrayEquals(new int[] {3, 8, 9}, chosen);
    }

    @Test
    void refusesBadArguments() {
        GroupSparsityBounds none = GroupSparsityBounds.NONE;
        assertThrows(
                IllegalArgumentException.class,
                () -> BoundedSelection.select(index(), SCORES, c -> true, new int[2], 1, 1, none));
        assertThrows(
                IllegalArgumentException.class,
                () -> BoundedSelection.select(index(), SCORES, c -> true, new int[3], -1, 1, none));
        assertThrows(
                IllegalArgumentException.class,
                () -> BoundedSelection.select(index(), SCORES, c -> true, new int[3], 1, 0, none));
    }

    @Test
    void floorDuesAreEachGroupsOwedShareWithNoQuota() {
        // floor 0.5 over two periods: a owes 2 -> 1 now (3), b owes 2 -> 1 (4), c owes 4 -> 2
        // (8, 9); b lost one channel before and owes only 1 -> 1 (5 is the lowest left)
        GroupSparsityBounds half = new GroupSparsityBounds(0.5, 1);
        assertArrayEquals(
                new int[] {3, 4, 8, 9},
                BoundedSelection.floorDues(index(), SCORES, c -> true, new int[3], 2, half));
        assertArrayEquals(
                new int[] {3, 5, 8, 9},
                BoundedSelection.floorDues(
                        index(), SCORES, c -> c != 4, new int[] {0, 1, 0}, 2, half));
        // in the last period everything owed is due; no floor, nothing
        assertArrayEquals(
                new int[] {3, 2, 4, 5, 8, 9, 10, 11},
                BoundedSelection.floorDues(index(), SCORES, c -> true, new int[3], 1, half));
        assertArrayEquals(
                new int[] {},
                BoundedSelection.floorDues(
                        index(), SCORES, c -> true, new int[3], 1, GroupSparsityBounds.NONE));
        assertThrows(
                IllegalArgumentException.class,
                () -> BoundedSelection.floorDues(index(), SCORES, c -> true, new int[3], 0, half));
    }
}
