package ai.hesso.djl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Gradient-free aliases of engine arrays, and in-place overwrites through them.
 *
 * <p>An alias shares the storage of the array it was made from but is a separate handle, attached
 * to a manager of our choice. Two reasons: every array an operation returns is attached to the
 * manager of the array it was called on, so operations on an alias in a temporary manager leave
 * nothing behind on the model's manager; and in-place writes through an alias are allowed on a
 * parameter that requires a gradient, whatever the thread's grad mode.
 */
public final class Aliases {

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

    /**
     * Overwrites every element of {@code target} with the element of {@code values} at the same
     * index, in place, exactly (an element copy, as {@code NDArray.copyTo} makes).
     *
     * <p>Use it instead of {@code target.set(Buffer)} or {@code values.copyTo(target)}: with the
     * PyTorch engine those go through the JNI's {@code torchSet}, which takes PyTorch's deprecated
     * {@code AutoNonVariableTypeMode} guard and so prints {@code [W LegacyTypeDispatch.h:74]
     * Warning: AutoNonVariableTypeMode is deprecated ...} to standard error the first time in a
     * process. This writes through a gradient-free alias instead, with an indexed assignment.
     *
     * @param target the array to write into, a parameter that requires a gradient included
     * @param values the values, of the target's shape and data type
     * @throws IllegalArgumentException if the shapes or data types differ
     */
    public static void overwrite(NDArray target, NDArray values) {
        if (!target.getShape().equals(values.getShape())
                || target.getDataType() != values.getDataType()) {
            throw new IllegalArgumentException(
                    "cannot overwrite an array of "
                            + target.getDataType()
                            + " "
                            + target.getShape()
                            + " with values of "
                            + values.getDataType()
                            + " "
                            + values.getShape());
        }
        try (NDManager temp = target.getManager().newSubManager()) {
            on(target, temp).set(new NDIndex("..."), values);
        }
    }
}
