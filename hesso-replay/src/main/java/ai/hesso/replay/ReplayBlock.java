package ai.hesso.replay;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A block that only holds named parameters, so that the optimizer can name them; it has no forward
 * pass of its own.
 */
final class ReplayBlock extends AbstractBlock {

    /**
     * Adds a weight parameter with this name; its array is set later with {@link
     * Parameter#setArray}.
     *
     * @param name the parameter name, as the node groups address it
     * @return the parameter
     */
    Parameter add(String name) {
        return addParameter(
                Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        throw new IllegalStateException(
                "a replay block only holds the replayed tensors; it has no forward pass");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
