package ai.hesso.djl.discovery;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;

/** Reads whether a parameter that HESSO will never update is exactly zero. */
final class FrozenParameters {

    private FrozenParameters() {}

    /**
     * Whether every value of an initialized parameter is exactly 0 (a batch norm's beta built with
     * {@code optCenter(false)} is, and stays so, since nothing updates it).
     *
     * @param parameter the parameter
     * @return true when initialized and all zero; false otherwise (also when not initialized, so
     *     that an unknown value never counts as harmless)
     */
    static boolean isAllZero(Parameter parameter) {
        if (!parameter.isInitialized()) {
            return false;
        }
        NDArray array = parameter.getArray();
        if (array.size() == 0) {
            return true;
        }
        // results attach to the array's manager: borrow the array into a scope freed at the end
        try (NDManager temp = array.getManager().newSubManager()) {
            array.tempAttach(temp);
            return array.toType(DataType.FLOAT64, true).abs().max().getDouble() == 0;
        }
    }
}
