package ai.hesso.djl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.HashMap;
import java.util.Map;

/**
 * A copy of the block's non-trainable arrays (BatchNorm's running mean and variance) as they were
 * after the last good step, so that a skipped step can undo what its forward pass changed in them:
 * the forward pass updates running statistics before the optimizer sees the step, and a NaN input
 * batch would leave them NaN for good.
 *
 * <p>The copies are made once and then overwritten in place every good step (one copy kernel per
 * array, no allocation). Restores assign, never multiply, so they are exact even over NaN.
 */
final class ForwardState {

    private final NDManager manager;
    private final Map<String, NDArray> copies = new HashMap<>();

    ForwardState(NDManager manager) {
        this.manager = manager;
    }

    /** Copies the arrays aside, as the state to go back to. */
    void keep(Map<String, NDArray> arrays) {
        try (NDManager temp = manager.newSubManager()) {
            arrays.forEach(
                    (name, array) -> {
                        NDArray copy = copies.get(name);
                        if (copy == null) {
                            copy = array.duplicate();
                            copy.attach(manager);
                            copies.put(name, copy);
                        } else {
                            copy.set(new NDIndex("..."), Aliases.on(array, temp));
                        }
                    });
        }
    }

    /**
     * Writes the kept copies back into the arrays.
     *
     * @return whether there was a copy to go back to (none before the first good step)
     */
    boolean restore(Map<String, NDArray> arrays) {
        if (copies.isEmpty()) {
            return arrays.isEmpty();
        }
        try (NDManager temp = manager.newSubManager()) {
            arrays.forEach(
                    (name, array) -> {
                        NDArray copy = copies.get(name);
                        if (copy != null) {
                            Aliases.on(array, temp).set(new NDIndex("..."), copy);
                        }
                    });
        }
        return true;
    }
}
