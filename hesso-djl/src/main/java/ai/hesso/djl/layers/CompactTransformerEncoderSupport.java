package ai.hesso.djl.layers;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.Trace;
import ai.hesso.djl.export.ExportContext;
import java.util.List;
import java.util.Optional;

/**
 * {@link CompactTransformerEncoderBlock}, the encoder compaction builds when it removes attention
 * heads: traced, counted and rebuilt as DJL's encoder is ({@link TransformerEncoderSupport}), so a
 * compact transformer can be discovered, budgeted and compacted again. Its heads and feed-forward
 * hidden units are prunable node groups, the embedding stream is not; the rebuild always returns a
 * {@link CompactTransformerEncoderBlock}.
 */
final class CompactTransformerEncoderSupport
        implements LayerSupport<CompactTransformerEncoderBlock> {

    /** {@inheritDoc} */
    @Override
    public Class<CompactTransformerEncoderBlock> blockType() {
        return CompactTransformerEncoderBlock.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(
            CompactTransformerEncoderBlock block,
            String path,
            List<Trace> inputs,
            DiscoveryContext ctx) {
        return TransformerEncoderSupport.trace(
                block, Optional.of(children(block)), path, inputs, ctx);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] cost(
            CompactTransformerEncoderBlock block, String path, Shape[] inputs, CostContext ctx) {
        return TransformerEncoderSupport.cost(block, children(block), path, inputs, ctx);
    }

    /** {@inheritDoc} */
    @Override
    public CompactTransformerEncoderBlock rebuild(
            CompactTransformerEncoderBlock block, String path, RebuildContext ctx) {
        return (CompactTransformerEncoderBlock)
                TransformerEncoderSupport.rebuild(
                        block,
                        block.getAttention(),
                        block.feedForward(),
                        block.getDropoutProbability(),
                        path,
                        ctx);
    }

    private static List<Block> children(CompactTransformerEncoderBlock block) {
        return List.of(
                block.getAttention(),
                block.attentionNorm(),
                block.feedForward(),
                block.outputNorm());
    }

    /**
     * {@inheritDoc}
     *
     * <p>As DJL's encoder ({@link TransformerEncoderSupport}).
     */
    @Override
    public List<String> export(
            CompactTransformerEncoderBlock block,
            String path,
            List<String> inputs,
            ExportContext ctx) {
        return TransformerEncoderSupport.export(block, children(block), path, inputs, ctx);
    }
}
