package ai.hesso.djl.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.hesso.core.Phase;
import ai.hesso.core.StepPlan;
import ai.hesso.core.group.ChannelAxis;
import ai.hesso.core.identification.ChannelMasks;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-group row multipliers: exact values, shapes for each member layout, and caching. */
class RowMasksIT {

    /** Group 0: channel 1 redundant, channel 3 pruned, of 4; group 1 untouched. */
    private static ChannelMasks masks(long version) {
        return ChannelMasks.of(
                version, List.of(new int[] {1}, new int[0]), List.of(new int[] {3}, new int[0]));
    }

    private static StepPlan plan(int step, double factor, ChannelMasks masks) {
        return new StepPlan(step, Phase.PRUNING, false, false, true, factor, masks);
    }

    @Test
    void multiplierIsOneFactorOrZeroPerRowInTheMembersShape() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            RowMasks rowMasks = new RowMasks(manager.newSubManager());
            StepPlan plan = plan(7, 2.0 / 3, masks(0));
            NDArray rows =
                    rowMasks.multiplier(
                            plan,
                            new RowMasks.Rows(
                                    0, 4, Device.cpu(), DataType.FLOAT32, ChannelAxis.FIRST, 4, 1));
            assertEquals(new Shape(4, 1, 1, 1), rows.getShape());
            assertArrayEquals(new float[] {1, 2f / 3, 1, 0}, rows.toFloatArray());
            NDArray columns =
                    rowMasks.multiplier(
                            plan,
                            new RowMasks.Rows(
                                    0,
                                    4,
                                    Device.cpu(),
                                    DataType.FLOAT64,
                                    ChannelAxis.SECOND,
                                    3,
                                    1));
            assertEquals(new Shape(1, 4, 1), columns.getShape());
            // float64 members get the float64 factor, exactly
            assertArrayEquals(new double[] {1, 2.0 / 3, 1, 0}, columns.toDoubleArray());
            // an attention head's member: each channel's factor on its 3 consecutive rows
            NDArray heads =
                    rowMasks.multiplier(
                            plan,
                            new RowMasks.Rows(
                                    0, 4, Device.cpu(), DataType.FLOAT32, ChannelAxis.FIRST, 2, 3));
            assertEquals(new Shape(12, 1), heads.getShape());
            float r = 2f / 3;
            assertArrayEquals(
                    new float[] {1, 1, 1, r, r, r, 1, 1, 1, 0, 0, 0}, heads.toFloatArray());
            assertNull(
                    rowMasks.multiplier(
                            plan,
                            new RowMasks.Rows(
                                    1, 5, Device.cpu(), DataType.FLOAT32, ChannelAxis.FIRST, 2, 1)),
                    "an untouched group needs no multiplier");
        }
    }

    @Test
    void aStepSharesOneMultiplierAndANewStepOrVersionRebuildsIt() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDManager state = manager.newSubManager();
            RowMasks rowMasks = new RowMasks(state);
            ChannelMasks masks = masks(0);
            NDArray first =
                    rowMasks.multiplier(
                            plan(3, 0.5, masks),
                            new RowMasks.Rows(
                                    0, 4, Device.cpu(), DataType.FLOAT32, ChannelAxis.FIRST, 2, 1));
            NDArray again =
                    rowMasks.multiplier(
                            plan(3, 0.5, masks),
                            new RowMasks.Rows(
                                    0, 4, Device.cpu(), DataType.FLOAT32, ChannelAxis.FIRST, 2, 1));
            assertSame(first, again, "members of one group share the step's multiplier");
            // two indicators and one multiplier
            assertEquals(3, state.getManagedArrays().size());
            NDArray next =
                    rowMasks.multiplier(
                            plan(4, 0.0, masks),
                            new RowMasks.Rows(
                                    0, 4, Device.cpu(), DataType.FLOAT32, ChannelAxis.FIRST, 2, 1));
            assertNotSame(first, next);
            assertArrayEquals(new float[] {1, 0, 1, 0}, next.toFloatArray());
            assertEquals(3, state.getManagedArrays().size(), "the old step's multiplier closed");
            ChannelMasks moved =
                    ChannelMasks.of(
                            1,
                            List.of(new int[] {0}, new int[0]),
                            List.of(new int[] {1, 3}, new int[0]));
            NDArray rebuilt =
                    rowMasks.multiplier(
                            plan(5, 0.25, moved),
                            new RowMasks.Rows(
                                    0, 4, Device.cpu(), DataType.FLOAT32, ChannelAxis.FIRST, 2, 1));
            assertArrayEquals(new float[] {0.25f, 0, 1, 0}, rebuilt.toFloatArray());
            assertEquals(3, state.getManagedArrays().size(), "old indicators closed");
        }
    }
}
