package ai.hesso.djl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Copies of every trainable tensor (per device), kept on the engine for CRIC's restores.
 *
 * <p>A restore overwrites the tensor by assignment, never by {@code x * 0 + copy}: a tensor that
 * went NaN or infinite since the snapshot is restored exactly ({@code NaN * 0} is NaN).
 */
final class ParameterSnapshot {

    private final NDManager manager;
    private final Map<TensorSlot, NDArray> copies = new HashMap<>();

    ParameterSnapshot(NDManager manager) {
        this.manager = manager;
    }

    /** Stores a copy of {@code values} for {@code slot}, replacing an older one. */
    void save(TensorSlot slot, NDArray values) {
        NDArray copy = values.duplicate();
        copy.attach(manager);
        NDArray old = copies.put(slot, copy);
        if (old != null) {
            old.close();
        }
    }

    /**
     * Overwrites {@code values} in place with the copy stored for {@code slot}.
     *
     * @param slot the slot
     * @param values the tensor, an alias attached to {@code temp}
     * @param temp the call's temporary manager
     * @throws IllegalStateException if no snapshot of the slot was taken
     */
    void restore(TensorSlot slot, NDArray values, NDManager temp) {
        NDArray copy = copies.get(slot);
        if (copy == null) {
            throw new IllegalStateException(
                    "no snapshot of "
                            + slot.parameter()
                            + " on "
                            + slot.device()
                            + " to restore; snapshots hold "
                            + copies.size()
                            + " tensors");
        }
        values.set(new NDIndex("..."), Aliases.on(copy, temp));
    }

    /**
     * Stores a copy restored from a checkpoint, attached to the manager, replacing an older one.
     */
    void put(TensorSlot slot, NDArray copy) {
        copy.attach(manager);
        NDArray old = copies.put(slot, copy);
        if (old != null) {
            old.close();
        }
    }

    /** Returns the slots that have a copy. */
    Set<TensorSlot> slots() {
        return copies.keySet();
    }

    /** Returns the stored copy of a slot (owned by this class). */
    NDArray copy(TensorSlot slot) {
        return copies.get(slot);
    }

    /** Returns the number of stored copies. */
    int size() {
        return copies.size();
    }
}
