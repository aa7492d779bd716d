package ai.hesso.djl.layers;

import ai.djl.ndarray.types.Shape;

/**
 * The indices compaction removes from the parameters of a block tree, as {@link LayerSupport#width}
 * reads them to find a layer's new width.
 */
public interface RemovedIndices {

    /**
     * Returns how many indices a parameter loses on one axis.
     *
     * @param parameter the parameter path
     * @param axis the axis
     * @return the count, 0 when nothing is removed there
     */
    int count(String parameter, int axis);

    /**
     * Returns a parameter's shape before the removal.
     *
     * @param parameter the parameter path
     * @return its shape
     * @throws IllegalArgumentException when the block has no such initialized parameter
     */
    Shape shape(String parameter);
}
