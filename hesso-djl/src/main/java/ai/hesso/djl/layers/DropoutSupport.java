package ai.hesso.djl.layers;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.Trace;
import ai.hesso.djl.export.ExportContext;
import java.util.List;

/**
 * {@link Dropout}: the identity at inference and a channel-wise mask in training; it maps zero to
 * zero, so its input's channels pass through unchanged. No parameters, 0 MACs (not listed), its
 * input's width; the rebuild copies the rate.
 */
final class DropoutSupport implements LayerSupport<Dropout> {

    /** {@inheritDoc} */
    @Override
    public Class<Dropout> blockType() {
        return Dropout.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(Dropout block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        return inputs;
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] cost(Dropout block, String path, Shape[] inputs, CostContext ctx) {
        return block.getOutputShapes(inputs);
    }

    /** {@inheritDoc} */
    @Override
    public Dropout rebuild(Dropout block, String path, RebuildContext ctx) {
        return Dropout.builder()
                .optRate(ctx.setting(block, Dropout.class, "rate", Float.class, path))
                .build();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Nothing: dropout is the identity at inference.
     */
    @Override
    public List<String> export(Dropout block, String path, List<String> inputs, ExportContext ctx) {
        return inputs;
    }
}
