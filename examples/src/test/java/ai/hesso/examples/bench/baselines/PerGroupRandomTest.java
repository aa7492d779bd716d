package ai.hesso.examples.bench.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Random pruning per layer: the same seed gives the same channels, at the per-group widths. */
class PerGroupRandomTest {

    private static final List<NodeGroup> GROUPS =
            List.of(
                    NodeGroup.prunable("a", 16, List.of(GroupMember.rows("a.w"))),
                    NodeGroup.prunable("b", 32, List.of(GroupMember.rows("b.w"))),
                    NodeGroup.prunable("c", 64, List.of(GroupMember.rows("c.w"))));

    private static Map<String, int[]> removal(long seed, int count) {
        RandomImportance random = new RandomImportance(seed);
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (NodeGroup g : GROUPS) {
            scores.put(g.name(), random.scores(g, name -> null));
        }
        return PerGroupRanking.extend(GROUPS, scores, Map.of(), count);
    }

    @Test
    void theSameSeedGivesTheSameChannelsAndEveryGroupLosesHalf() {
        Map<String, int[]> first = removal(7, 56);
        Map<String, int[]> again = removal(7, 56);
        for (NodeGroup g : GROUPS) {
            assertArrayEquals(first.get(g.name()), again.get(g.name()), g.name());
            // 56 of 112: half of every group
            assertEquals(g.channels() / 2, first.get(g.name()).length, g.name());
        }
        Map<String, int[]> other = removal(8, 56);
        assertFalse(
                GROUPS.stream()
                        .allMatch(g -> Arrays.equals(first.get(g.name()), other.get(g.name()))),
                "seed 8 chose the same 56 channels as seed 7");
        // the widths depend on the count only, not on the seed
        for (NodeGroup g : GROUPS) {
            assertEquals(first.get(g.name()).length, other.get(g.name()).length);
        }
    }
}
