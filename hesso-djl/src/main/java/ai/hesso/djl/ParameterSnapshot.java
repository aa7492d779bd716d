package ai.hesso.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;

/** Copies of every trainable tensor (per device), kept on the engine for CRIC's restores. */
final class ParameterSnapshot {

    private final NDManager manager;
    private final Map<String, NDArray> copies = new HashMap<>();

    ParameterSnapshot(NDManager manager) {
        this.manager = manager;
    }

    /** Stores a copy of {@code values} under {@code key}, replacing an older one. */
    void save(String key, NDArray values) {
        NDArray copy = values.duplicate();
        copy.attach(manager);
        NDArray old = copies.put(key, copy);
        if (old != null) {
            old.close();
        }
    }

    /** Overwrites {@code values} in place with the copy stored under {@code key}. */
    void restore(String key, NDArray values, NDManager temp) {
        NDArray copy = copies.get(key);
        if (copy == null) {
            throw new IllegalStateException("no snapshot of " + key + " to restore");
        }
        values.muli(0).addi(Aliases.on(copy, temp));
    }
}
