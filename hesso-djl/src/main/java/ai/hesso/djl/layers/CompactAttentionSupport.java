package ai.hesso.djl.layers;

import ai.djl.ndarray.types.Shape;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.Trace;
import ai.hesso.djl.export.ExportContext;
import java.util.List;

/**
 * {@link CompactAttentionBlock}, the attention block compaction builds with fewer heads: traced,
 * counted and rebuilt as DJL's attention block is ({@link AttentionHeads}), so a compact
 * transformer can be discovered, budgeted and compacted again. Its {@code N} heads of {@code H}
 * units are one prunable node group; the rebuild keeps {@code H} and {@code E} and returns a {@link
 * CompactAttentionBlock} with the kept heads.
 *
 * <p>Cost for one sample ({@code T} query tokens, {@code S} key tokens, input width {@code E_in},
 * {@code E} output units): the projections as linear layers ({@code T E_in N H}, {@code S E_in N
 * H}, {@code S E_in N H}, {@code T N H E}) and the attention products {@code 2 T S N H}.
 */
final class CompactAttentionSupport implements LayerSupport<CompactAttentionBlock> {

    /** {@inheritDoc} */
    @Override
    public Class<CompactAttentionBlock> blockType() {
        return CompactAttentionBlock.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(
            CompactAttentionBlock block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        int n = inputs.size();
        if (n < 1 || n > 4) {
            return ctx.unsupported(block, path, inputs, "expects 1 to 4 inputs, got " + n, true);
        }
        return AttentionHeads.trace(parts(block), path, inputs, ctx);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] cost(CompactAttentionBlock block, String path, Shape[] inputs, CostContext ctx) {
        return AttentionHeads.cost(parts(block), path, inputs, ctx);
    }

    /** {@inheritDoc} */
    @Override
    public CompactAttentionBlock rebuild(
            CompactAttentionBlock block, String path, RebuildContext ctx) {
        return (CompactAttentionBlock)
                AttentionHeads.rebuild(
                        parts(block),
                        block.getEmbeddingSize(),
                        block.getDropoutProbability(),
                        path,
                        ctx);
    }

    private static AttentionHeads.Parts parts(CompactAttentionBlock block) {
        return new AttentionHeads.Parts(
                block,
                block.getKeyProjection(),
                block.getQueryProjection(),
                block.getValueProjection(),
                block.getResultProjection(),
                block.getHeadCount(),
                block.getHeadSize());
    }

    /**
     * {@inheritDoc}
     *
     * <p>Self-attention on one input ({@link AttentionHeads#export}).
     */
    @Override
    public List<String> export(
            CompactAttentionBlock block, String path, List<String> inputs, ExportContext ctx) {
        return AttentionHeads.export(parts(block), path, inputs, ctx);
    }
}
