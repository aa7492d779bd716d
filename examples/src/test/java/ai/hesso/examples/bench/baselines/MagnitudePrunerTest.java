package ai.hesso.examples.bench.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.hesso.core.group.ChannelAxis;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.fixtures.ModelPatterns;
import ai.hesso.fixtures.ParameterValues;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The baselines' engine side on hand-made tensors: group L2 scores, the removal masks, and the
 * pruner's removals at the scheduled steps.
 */
class MagnitudePrunerTest {

    @Test
    void groupL2SumsSquaresOverAllMemberRowsOnTheirChannelAxis() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> t = new HashMap<>();
            t.put("w", manager.create(new float[] {3, 4, 0, 1, 1, 1}, new Shape(3, 1, 1, 2)));
            t.put("b", manager.create(new float[] {0, 0, 2}));
            t.put("gamma", manager.create(new float[] {0, 2, 1}));
            // a transposed convolution's weight holds its channels on axis 1
            t.put("wt", manager.create(new float[] {1, 0, 0}, new Shape(1, 3, 1)));
            NodeGroup g =
                    NodeGroup.prunable(
                            "g",
                            3,
                            List.of(
                                    GroupMember.rows("w"),
                                    GroupMember.rows("b"),
                                    GroupMember.rows("gamma"),
                                    new GroupMember("wt", ChannelAxis.SECOND)));
            double[] s = new GroupMagnitudeImportance().scores(g, t::get);
            // 9+16+0+0+1, 0+1+0+4+0, 1+1+4+1+0
            assertArrayEquals(new double[] {Math.sqrt(26), Math.sqrt(5), Math.sqrt(7)}, s, 1e-6);
            // the inputs are untouched and no scratch array is left in their manager
            assertArrayEquals(new float[] {0, 0, 2}, t.get("b").toFloatArray());
            assertEquals(4, manager.getManagedArrays().size());

            NodeGroup wrong = NodeGroup.prunable("h", 2, List.of(GroupMember.rows("b")));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> new GroupMagnitudeImportance().scores(wrong, t::get));
        }
    }

    /** {@code Linear(3) relu Linear(2)} on 2 inputs: the hidden layer is the one prunable group. */
    private static Block mlp(NDManager manager) {
        SequentialBlock block = ModelPatterns.mlp(3, 2);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
        set(block, "01Linear_weight", 3, 4, 0, 1, 1, 1);
        set(block, "01Linear_bias", 0, 2, 1);
        return block;
    }

    private static void set(Block block, String name, float... values) {
        ParameterValues.set(block.getParameters().get(name).getArray(), values);
    }

    private static float[] get(Block block, String name) {
        return block.getParameters().get(name).getArray().toFloatArray();
    }

    private static List<NodeGroup> groups(Block block) {
        return GroupDiscovery.builder()
                .build()
                .discover(block, new Shape(1, 2))
                .prunableGroups()
                .stream()
                .map(DiscoveredGroup::group)
                .toList();
    }

    /** What an optimizer step might do: add 1 to every value of the hidden layer. */
    private static void fakeStep(Block block) {
        block.getParameters().get("01Linear_weight").getArray().addi(1);
        block.getParameters().get("01Linear_bias").getArray().addi(1);
    }

    @Test
    void prunerRemovesTheLowestGroupNormsAtTheScheduledStepsAndKeepsThemZero() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = mlp(manager);
            List<NodeGroup> groups = groups(block);
            assertEquals(1, groups.size());
            String name = groups.get(0).name();
            // removals after steps 1 and 2, to 1 then 2 channels
            try (MagnitudePruner pruner =
                    MagnitudePruner.builder()
                            .setBlock(block)
                            .setGroups(groups)
                            .setSchedule(new IterativeSchedule(0, 2, 2, 2))
                            .build()) {
                // norms: sqrt(9+16+0)=5, sqrt(0+1+4)=2.24, sqrt(1+1+1)=1.73: channel 2 goes
                assertEquals(1, pruner.afterStep());
                assertArrayEquals(new int[] {2}, pruner.removed().get(name));
                assertArrayEquals(new float[] {3, 4, 0, 1, 0, 0}, get(block, "01Linear_weight"));
                assertArrayEquals(new float[] {0, 2, 0}, get(block, "01Linear_bias"));

                // after the update: channel 0 (4,5; 1) norm^2 42, channel 1 (1,2; 3) 14
                fakeStep(block);
                assertEquals(2, pruner.afterStep());
                assertArrayEquals(new int[] {1, 2}, pruner.removed().get(name));
                assertArrayEquals(new float[] {4, 5, 0, 0, 0, 0}, get(block, "01Linear_weight"));
                assertArrayEquals(new float[] {1, 0, 0}, get(block, "01Linear_bias"));

                // no removal after step 3, but the removed rows are zeroed again
                fakeStep(block);
                assertEquals(0, pruner.afterStep());
                assertArrayEquals(new float[] {5, 6, 0, 0, 0, 0}, get(block, "01Linear_weight"));
                assertArrayEquals(new float[] {2, 0, 0}, get(block, "01Linear_bias"));
                assertEquals(3, pruner.step());
            }
        }
    }

    @Test
    void randomImportanceIsSeededAndReachesTheCount() {
        try (NDManager manager = NDManager.newBaseManager()) {
            int[][] picks = new int[2][];
            for (int run = 0; run < 2; run++) {
                Block block = mlp(manager);
                List<NodeGroup> groups = groups(block);
                try (MagnitudePruner pruner =
                        MagnitudePruner.builder()
                                .setBlock(block)
                                .setGroups(groups)
                                .setSchedule(IterativeSchedule.oneShot(1, 2))
                                .optImportance(new RandomImportance(7))
                                .build()) {
                    pruner.afterStep();
                    picks[run] = pruner.removed().get(groups.get(0).name());
                }
            }
            assertEquals(2, picks[0].length);
            assertArrayEquals(picks[0], picks[1]);
            double[] scores =
                    new RandomImportance(7)
                            .scores(
                                    NodeGroup.prunable("g", 50, List.of(GroupMember.rows("x"))),
                                    n -> null);
            for (double s : scores) {
                assertTrue(s >= 0 && s < 1);
            }
        }
    }

    @Test
    void builderRejectsATargetThatWouldEmptyAGroup() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = mlp(manager);
            List<NodeGroup> groups = groups(block);
            MagnitudePruner.Builder b =
                    MagnitudePruner.builder()
                            .setBlock(block)
                            .setGroups(groups)
                            .setSchedule(IterativeSchedule.oneShot(1, 3));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
            assertTrue(e.getMessage().contains("would empty a group"), e.getMessage());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> MagnitudePruner.builder().setBlock(block).build());
        }
    }

    @Test
    void removalMasksRejectUnknownGroupsAndChannels() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = mlp(manager);
            List<NodeGroup> groups = groups(block);
            String name = groups.get(0).name();
            assertThrows(
                    IllegalArgumentException.class,
                    () -> RemovalMasks.of(block, groups, Map.of("nope", new int[] {0})));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> RemovalMasks.of(block, groups, Map.of(name, new int[] {3})));
            try (RemovalMasks masks = RemovalMasks.of(block, groups, Map.of(name, new int[] {0}))) {
                masks.apply();
                assertEquals(1, masks.count());
                assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1}, get(block, "01Linear_weight"));
            }
        }
    }
}
