package ai.hesso.djl.compact;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.util.Map;
import java.util.TreeSet;

/** Cuts removed indices out of an array, axis by axis, keeping every other value exactly. */
final class ParameterSlicer {

    private ParameterSlicer() {}

    /**
     * Returns the array without the removed indices. The result and every intermediate array live
     * in the array's current manager; callers attach the array temporarily to a sub-manager.
     *
     * @param array the array
     * @param removed axis to sorted indices to drop
     * @return the kept values; {@code array} itself when nothing is removed
     */
    static NDArray slice(NDArray array, Map<Integer, TreeSet<Long>> removed) {
        NDArray current = array;
        for (Map.Entry<Integer, TreeSet<Long>> e : removed.entrySet()) {
            current = keep(current, e.getKey(), e.getValue());
        }
        return current;
    }

    private static NDArray keep(NDArray array, int axis, TreeSet<Long> removed) {
        long size = array.getShape().get(axis);
        NDList runs = new NDList();
        long start = 0;
        for (long i = 0; i <= size; i++) {
            if (i == size || removed.contains(i)) {
                if (i > start) {
                    runs.add(array.get(new NDIndex().addAllDim(axis).addSliceDim(start, i)));
                }
                start = i + 1;
            }
        }
        return runs.size() == 1 ? runs.get(0) : NDArrays.concat(runs, axis);
    }
}
