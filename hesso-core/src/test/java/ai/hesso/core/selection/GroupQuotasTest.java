package ai.hesso.core.selection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupQuotasTest {

    /** Groups of 4, 4 and 8 channels: global indices 0-3, 4-7, 8-15. */
    private static ChannelIndex index() {
        return new ChannelIndex(
                List.of(
                        NodeGroup.prunable("a", 4, List.of(GroupMember.rows("a.w"))),
                        NodeGroup.prunable("b", 4, List.of(GroupMember.rows("b.w"))),
                        NodeGroup.prunable("c", 8, List.of(GroupMember.rows("c.w")))),
                1);
    }

    @Test
    void theQuotaFillsTheGroupsToTheSameFraction() {
        // 8 of 16: half of each group
        assertArrayEquals(
                new int[] {2, 2, 4}, GroupQuotas.split(index(), c -> true, new int[3], 8));
        // one at a time to the smallest fraction after it, ties to the lower group: c (1/8),
        // a (1/4 = c's 2/8), b (1/4), c (2/8), c (3/8): 5 gives 1, 1, 3
        assertArrayEquals(
                new int[] {1, 1, 3}, GroupQuotas.split(index(), c -> true, new int[3], 5));
    }

    @Test
    void earlierLossesCountSoThePeriodsEndBalanced() {
        // a already lost 2 (half): the next 6 go to b and c until they reach half too
        assertArrayEquals(
                new int[] {0, 2, 4}, GroupQuotas.split(index(), c -> true, new int[] {2, 0, 0}, 6));
    }

    @Test
    void aGroupNeverGetsMoreThanItsCandidates() {
        // only channel 0 of a is a candidate; c has 8
        assertArrayEquals(
                new int[] {1, 0, 7},
                GroupQuotas.split(index(), c -> c == 0 || c >= 8, new int[3], 8));
        // more than all candidates: every candidate, no more
        assertArrayEquals(
                new int[] {1, 0, 8},
                GroupQuotas.split(index(), c -> c == 0 || c >= 8, new int[3], 20));
    }

    @Test
    void eachGroupLosesItsLowestScores() {
        double[] scores = {5, 1, 4, 2, 0.5, 9, 8, 7, 3, 1, 2, 6, 0, 4, 5, 9};
        // shares 2, 2, 4: a's lowest 1 (1.0), 3 (2.0); b's 4 (0.5), 7 (7.0); c's 12, 9, 10, 8
        assertArrayEquals(
                new int[] {1, 3, 4, 7, 12, 9, 10, 8},
                GroupQuotas.select(index(), scores, c -> true, new int[3], 8));
    }

    @Test
    void badArgumentsAreNamed() {
        assertThrows(
                IllegalArgumentException.class,
                () -> GroupQuotas.split(index(), c -> true, new int[3], -1));
        assertThrows(
                IllegalArgumentException.class,
                () -> GroupQuotas.split(index(), c -> true, new int[2], 1));
    }
}
