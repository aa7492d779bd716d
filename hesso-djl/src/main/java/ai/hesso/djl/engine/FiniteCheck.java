package ai.hesso.djl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds a non-finite gradient before a step touches anything.
 *
 * <p>One reduction per tensor: the sum of a gradient is finite when every element is ({@code NaN}
 * and {@code Inf} propagate through a sum, {@code Inf + -Inf} is {@code NaN}), so the step's
 * gradients cost one sum each, one stack and one copy of a short vector to the host (one
 * synchronisation with the device per step). A finite gradient whose sum overflows is confirmed
 * element by element before it is called non-finite, so the fast test has no false alarms.
 */
final class FiniteCheck {

    private FiniteCheck() {}

    /**
     * Returns the first parameter, in the map's order, whose gradient holds a NaN or an infinity.
     *
     * @param weights the trainable arrays by path; arrays without a gradient are passed over
     * @param temp a manager for the intermediate arrays
     * @return the parameter's path, or null when every gradient is finite
     */
    static String firstNonFinite(Map<String, NDArray> weights, NDManager temp) {
        Map<String, NDArray> gradients = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> entry : weights.entrySet()) {
            NDArray weight = entry.getValue();
            if (weight.hasGradient()) {
                NDArray gradient = weight.getGradient();
                gradient.attach(temp);
                gradients.put(entry.getKey(), gradient);
            }
        }
        return firstNonFiniteValue(gradients, temp);
    }

    /**
     * Returns the first array, in the map's order, that holds a NaN or an infinity.
     *
     * @param arrays the arrays by name, left untouched
     * @param temp a manager for the intermediate arrays
     * @return the name, or null when every array is finite
     */
    static String firstNonFiniteValue(Map<String, NDArray> arrays, NDManager temp) {
        List<String> names = new ArrayList<>();
        List<NDArray> values = new ArrayList<>();
        NDList sums = new NDList();
        for (Map.Entry<String, NDArray> entry : arrays.entrySet()) {
            NDArray array = Aliases.on(entry.getValue(), temp);
            names.add(entry.getKey());
            values.add(array);
            sums.add(array.sum());
        }
        if (sums.isEmpty()) {
            return null;
        }
        double[] totals =
                NDArrays.stack(sameType(sums)).toType(DataType.FLOAT64, false).toDoubleArray();
        for (int i = 0; i < totals.length; i++) {
            if (!Double.isFinite(totals[i]) && hasNonFinite(values.get(i))) {
                return names.get(i);
            }
        }
        return null;
    }

    /** Stacking needs one type: the usual case (all float32) costs no cast at all. */
    private static NDList sameType(NDList sums) {
        DataType first = sums.get(0).getDataType();
        if (sums.stream().allMatch(sum -> sum.getDataType() == first)) {
            return sums;
        }
        NDList cast = new NDList();
        for (NDArray sum : sums) {
            cast.add(sum.toType(DataType.FLOAT64, false));
        }
        return cast;
    }

    private static boolean hasNonFinite(NDArray array) {
        return array.isNaN().logicalOr(array.isInfinite()).any().getBoolean();
    }
}
