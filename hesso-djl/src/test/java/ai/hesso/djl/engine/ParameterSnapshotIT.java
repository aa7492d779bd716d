package ai.hesso.djl.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** CRIC's snapshots: exact copies, restored by assignment, one per slot. */
class ParameterSnapshotIT {

    @Test
    void restoreOverwritesEvenNanAndInfinityExactly() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            ParameterSnapshot snapshot = new ParameterSnapshot(manager.newSubManager());
            TensorSlot slot = new TensorSlot("w", Device.cpu());
            float[] saved = {1.5f, -0f, 3e-39f, -2.25f, 7f, 1e30f};
            NDArray weight = manager.create(saved, new Shape(2, 3));
            snapshot.save(slot, weight);
            weight.set(
                    new NDIndex("..."),
                    manager.create(
                            new float[] {
                                Float.NaN,
                                Float.POSITIVE_INFINITY,
                                Float.NEGATIVE_INFINITY,
                                0,
                                Float.NaN,
                                1
                            },
                            new Shape(2, 3)));
            try (NDManager temp = manager.newSubManager()) {
                snapshot.restore(slot, Aliases.on(weight, temp), temp);
            }
            // bit for bit, including -0 and the subnormal
            assertArrayEquals(saved, weight.toFloatArray());
            assertEquals(
                    Float.floatToRawIntBits(-0f),
                    Float.floatToRawIntBits(weight.toFloatArray()[1]));
        }
    }

    @Test
    void aLaterSaveReplacesTheCopyAndSlotsAreSeparate() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDManager state = manager.newSubManager();
            ParameterSnapshot snapshot = new ParameterSnapshot(state);
            TensorSlot a = new TensorSlot("a", Device.cpu());
            TensorSlot b = new TensorSlot("b", Device.cpu());
            NDArray x = manager.create(new float[] {1, 2});
            NDArray y = manager.create(new float[] {5});
            snapshot.save(a, x);
            snapshot.save(b, y);
            x.addi(10);
            snapshot.save(a, x);
            assertEquals(2, snapshot.size());
            // the replaced copy was closed: two live copies, not three
            assertEquals(2, state.getManagedArrays().size());
            x.muli(0);
            y.muli(0);
            try (NDManager temp = manager.newSubManager()) {
                snapshot.restore(a, Aliases.on(x, temp), temp);
                snapshot.restore(b, Aliases.on(y, temp), temp);
            }
            assertArrayEquals(new float[] {11, 12}, x.toFloatArray());
            assertArrayEquals(new float[] {5}, y.toFloatArray());
        }
    }

    @Test
    void restoringAnUnsavedSlotNamesIt() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            ParameterSnapshot snapshot = new ParameterSnapshot(manager.newSubManager());
            NDArray x = manager.create(new float[] {1});
            IllegalStateException e =
                    assertThrows(
                            IllegalStateException.class,
                            () ->
                                    snapshot.restore(
                                            new TensorSlot("01Linear_weight", Device.cpu()),
                                            x,
                                            manager));
            assertEquals(
                    "no snapshot of 01Linear_weight on cpu() to restore; snapshots hold 0 tensors",
                    e.getMessage());
        }
    }
}
