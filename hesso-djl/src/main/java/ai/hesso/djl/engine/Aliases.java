package ai.hesso.djl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Gradient-free aliases of engine arrays.
 *
 * <p>An alias shares the storage of the array it was made from but is a separate handle, attached
 * to a manager of our choice. Two reasons: every array an operation returns is attached to the
 * manager of the array it was called on, so operations on an alias in a temporary manager leave
 * nothing behind on the model's manager; and in-place writes through an alias are allowed on a
 * parameter that requires a gradient, whatever the thread's grad mode.
 */
final class Aliases {

    private Aliases() {}

    /**
     * Returns an alias of {@code array} attached to {@code manager}.
     *
     * @param array the array, left untouched
     * @param manager the manager that will close the alias (not the storage)
     * @return the alias
     */
    static NDArray on(NDArray array, NDManager manager) {
        NDArray alias = array.stopGradient();
        alias.attach(manager);
        return alias;
    }
}
