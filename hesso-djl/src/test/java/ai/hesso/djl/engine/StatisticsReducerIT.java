package ai.hesso.djl.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hesso.core.group.ChannelAxis;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.saliency.ChannelStatistics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-channel reductions on the engine, against sums written out by hand. */
class StatisticsReducerIT {

    @Test
    void reducesValuesAndDirectionsPerChannelOverAllMembers() {
        // group "a": 2 channels, members w (2x2, rows) and t (1x2x1, channels on axis 1);
        // group "b" is unprunable and not counted; group "c": 3 channels, member v
        List<NodeGroup> groups =
                List.of(
                        NodeGroup.prunable(
                                "a",
                                2,
                                List.of(
                                        GroupMember.rows("w"),
                                        new GroupMember("t", ChannelAxis.SECOND))),
                        NodeGroup.unprunable("b", 2, List.of(GroupMember.rows("u")), "output"),
                        NodeGroup.prunable("c", 3, List.of(GroupMember.rows("v"))));
        ChannelIndex index = new ChannelIndex(groups, 1);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> values =
                    Map.of(
                            "w", manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)),
                            "t", manager.create(new float[] {5, 6}, new Shape(1, 2, 1)),
                            "v", manager.create(new float[] {1, -1, 2}, new Shape(3)));
            Map<String, NDArray> directions =
                    Map.of(
                            "w", manager.create(new float[] {1, 0, 0, 1}, new Shape(2, 2)),
                            "t", manager.create(new float[] {2, -1}, new Shape(1, 2, 1)),
                            "v", manager.create(new float[] {3, 3, 0.5f}, new Shape(3)));
            ChannelStatistics stats;
            try (NDManager temp = manager.newSubManager()) {
                stats =
                        StatisticsReducer.reduce(
                                index,
                                values::get,
                                (name, m) -> Aliases.on(directions.get(name), m),
                                temp);
            }
            // a0: x = [1, 2 | 5], d = [1, 0 | 2]; a1: x = [3, 4 | 6], d = [0, 1 | -1]
            // c: x = 1, -1, 2; d = 3, 3, 0.5
            assertArrayEquals(
                    new double[] {1 + 4 + 25, 9 + 16 + 36, 1, 1, 4}, stats.valueSquares(), 1e-6);
            assertArrayEquals(
                    new double[] {1 + 0 + 4, 0 + 1 + 1, 9, 9, 0.25},
                    stats.directionSquares(),
                    1e-6);
            assertArrayEquals(
                    new double[] {1 + 0 + 10, 0 + 4 - 6, 3, -3, 1},
                    stats.valueDirectionDot(),
                    1e-6);
            assertArrayEquals(new double[] {3, 3, 1, 1, 1}, stats.rowLengths(), 0);
        }
    }
}
