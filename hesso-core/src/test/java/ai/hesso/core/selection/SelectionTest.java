package ai.hesso.core.selection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelectionTest {

    @Test
    void lowestScoresBreakTiesByIndex() {
        double[] scores = {0.5, 0.1, 0.5, 0.1, 0.9};
        assertArrayEquals(new int[] {1, 3, 0}, LowestScores.select(scores, c -> true, 3));
        assertArrayEquals(new int[] {3, 0, 2}, LowestScores.select(scores, c -> c != 1, 3));
        assertArrayEquals(new int[] {4}, LowestScores.select(scores, c -> c == 4, 3));
    }

    @Test
    void keptSelectedRoundsTheRemainderUpToAMultiple() {
        // n = 10, q = 4: selecting 3 leaves 7 -> 8, so only 2 stay selected
        assertEquals(2, GroupDivisibleRounding.keptSelected(10, 0, 3, 4));
        // leaving 8 is already a multiple: all stay
        assertEquals(2, GroupDivisibleRounding.keptSelected(10, 0, 2, 4));
        // leaving 0 -> at least q = 4
        assertEquals(6, GroupDivisibleRounding.keptSelected(10, 0, 10, 4));
        // leaving 9 -> 12, capped at n = 10: nothing stays selected
        assertEquals(0, GroupDivisibleRounding.keptSelected(10, 0, 1, 4));
        // with 4 pruned (8 left): selecting 5 leaves 3 -> 4, so 4 stay selected
        assertEquals(4, GroupDivisibleRounding.keptSelected(12, 4, 5, 4));
        // q = 1 never changes anything
        assertEquals(3, GroupDivisibleRounding.keptSelected(10, 2, 3, 1));
        assertEquals(9, GroupDivisibleRounding.keptSelected(10, 0, 10, 1));
    }

    @Test
    void roundingGivesBackTheHighestScoringOfEachGroup() {
        ChannelIndex index =
                new ChannelIndex(
                        List.of(
                                NodeGroup.prunable("a", 6, List.of(GroupMember.rows("a.w"))),
                                NodeGroup.prunable("b", 4, List.of(GroupMember.rows("b.w")))),
                        2);
        // a: 0..5, b: 6..9. selected in ascending score order: a gets 3 (leaves 3 -> 4, keep 2)
        int[] selected = {4, 6, 0, 2, 7};
        int[] kept = GroupDivisibleRounding.apply(index, selected, new int[2], 2);
        // a keeps its two lowest-scoring (4, 0) and gives back 2; b keeps 6 and 7 (leaves 2)
        assertArrayEquals(new int[] {4, 6, 0, 7}, kept);
    }
}
