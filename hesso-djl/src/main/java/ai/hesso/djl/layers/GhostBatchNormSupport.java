package ai.hesso.djl.layers;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.GhostBatchNorm;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.Trace;
import ai.hesso.djl.export.ExportContext;
import java.util.List;

/**
 * DJL's {@link GhostBatchNorm}: a batch norm that, in training, splits the batch into virtual
 * batches of {@code virtualBatchSize} samples and normalises each with its own statistics (at
 * inference it uses the running statistics, as a batch norm does). Each channel is still normalised
 * on its own, so a channel that is zero in every virtual batch, with its gamma and beta zero, stays
 * zero: it is traced and counted exactly as {@link BatchNormSupport} traces a batch norm (gamma and
 * beta join the producer of its input, the running statistics are companions). Rebuild: the virtual
 * batch size, axis, epsilon, momentum, center and scale copied.
 */
final class GhostBatchNormSupport implements LayerSupport<GhostBatchNorm> {

    private final BatchNormSupport norm = new BatchNormSupport();

    /** {@inheritDoc} */
    @Override
    public Class<GhostBatchNorm> blockType() {
        return GhostBatchNorm.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(
            GhostBatchNorm block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        return norm.trace(block, path, inputs, ctx);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] cost(GhostBatchNorm block, String path, Shape[] inputs, CostContext ctx) {
        return norm.cost(block, path, inputs, ctx);
    }

    /** {@inheritDoc} */
    @Override
    public GhostBatchNorm rebuild(GhostBatchNorm block, String path, RebuildContext ctx) {
        GhostBatchNorm.Builder builder =
                GhostBatchNorm.builder()
                        .optVirtualBatchSize(
                                ctx.setting(
                                        block,
                                        GhostBatchNorm.class,
                                        "virtualBatchSize",
                                        Integer.class,
                                        path));
        return BatchNormSupport.copySettings(builder, block, path, ctx).build();
    }

    /**
     * {@inheritDoc}
     *
     * <p>As a batch norm: at inference a ghost batch norm uses the running statistics.
     */
    @Override
    public List<String> export(
            GhostBatchNorm block, String path, List<String> inputs, ExportContext ctx) {
        return norm.export(block, path, inputs, ctx);
    }
}
