package ai.hesso.djl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * One engine array copied to the host for a checkpoint: its shape and type (to check it against the
 * model without decoding it) and DJL's own encoding of it ({@link NDArray#encode()}), which holds
 * the raw values, so that decoding gives back the same bits.
 *
 * @param shape the array's shape
 * @param dataType the array's type
 * @param encoded the bytes of {@link NDArray#encode()}; not copied
 */
public record SavedArray(Shape shape, DataType dataType, byte[] encoded) {

    /**
     * Validates.
     *
     * @param shape not null
     * @param dataType not null
     * @param encoded not null
     */
    public SavedArray {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(encoded, "encoded");
    }

    /**
     * Copies an array to the host.
     *
     * @param array the array, left untouched
     * @return its saved form
     */
    public static SavedArray of(NDArray array) {
        return new SavedArray(array.getShape(), array.getDataType(), array.encode());
    }

    /**
     * Decodes the array onto a manager (and so onto the manager's device).
     *
     * @param manager the manager that will own the array
     * @return the array, with the saved values bit for bit
     */
    NDArray decode(NDManager manager) {
        return manager.decode(encoded);
    }
}
