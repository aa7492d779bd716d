package ai.hesso.djl.layers;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.Trace;
import ai.hesso.djl.export.ExportContext;
import java.util.List;
import java.util.Optional;

/**
 * Everything the library knows about one block type, in one place: how discovery traces it, what it
 * costs, and how compaction rebuilds it at new widths. Torch-Pruning pairs "how many channels does
 * this layer have" with "slice this layer" in one {@code BasePruningFunc} per type; this is that
 * pairing for DJL, with the MAC count added.
 *
 * <p>The four parts, one method each:
 *
 * <ol>
 *   <li>{@link #trace}: the channels the block reads and makes, which of its parameters are node
 *       group members (rows that follow a channel), companions and consumers (input slices). What
 *       it records here is also what compaction slices: every member row, companion entry and
 *       consumer slice of a removed channel is cut from its parameter, so slicing needs no code of
 *       its own;
 *   <li>{@link #cost}: the block's parameters and multiply-accumulate operations (MACs) for its
 *       input shapes, and which parameter's rows and columns they scale with ({@link MacShape}),
 *       which is how MAC budgets follow the kept widths;
 *   <li>{@link #width}: the new width compaction records for the block (a linear layer's units, a
 *       convolution's filters), when its width is not simply its input's;
 *   <li>{@link #rebuild}: a new, uninitialized block with the recorded widths, of the same class or
 *       of another class the registry supports (DJL's attention block with fewer heads becomes a
 *       {@link CompactAttentionBlock}); compaction initializes it and copies the kept values into
 *       it by parameter path, so the rebuilt block must have the same parameter paths (same child
 *       names) as the old one.
 * </ol>
 *
 * <p>A fifth, optional part, {@link #export}, writes the block into an ONNX graph ({@code
 * ai.hesso.djl.export.OnnxExport}); a support without it makes export refuse the block by name.
 *
 * <p>Every method but {@link #width}, {@link #configuredWidth} and {@link #export} is abstract: a
 * type that discovery can trace but compaction cannot rebuild cannot be registered. A support that
 * can only rebuild some of what it traces (DJL's attention block keeps one embedding size for all
 * its projections) leaves the channels it could not rebuild unprunable in {@link #trace}, with that
 * reason ({@link DiscoveryContext#blockAll}), so that no prunable group ever reaches a rebuild that
 * refuses it.
 *
 * <p>Supports match blocks by exact class ({@code block.getClass() == blockType()}): a subclass may
 * override the forward pass, so it is never assumed to behave as its parent. Register one with
 * {@link LayerRegistry.Builder#optLayer} (or {@code GroupDiscovery.builder().optLayer(..)}):
 * discovery, {@code BlockCost}, {@code BlockMacs} and {@code Compaction} then all know the type.
 * Containers (sequential, parallel, a transformer encoder) trace, cost and rebuild their children
 * through the contexts ({@link DiscoveryContext#visit}, {@link CostContext#visit}, {@link
 * RebuildContext#rebuild}); leaf layers do not need to.
 *
 * <p>Example, a block that scales each channel (axis 1) by its own learned {@code scale}: zeroing a
 * channel's producer rows and its scale keeps the channel zero, so the scale follows the input's
 * channels; it costs one MAC per output value and its width is its input's:
 *
 * <pre>{@code
 * class ScaleSupport implements LayerSupport<Scale> {
 *     public Class<Scale> blockType() {
 *         return Scale.class;
 *     }
 *
 *     public List<Trace> trace(Scale block, String path, List<Trace> in, DiscoveryContext ctx) {
 *         Trace x = ctx.relayout(in.get(0), 1, path);
 *         return List.of(ctx.follow(x, block, path, x.shape(), List.of("scale"), List.of()));
 *     }
 *
 *     public Shape[] cost(Scale block, String path, Shape[] in, CostContext ctx) {
 *         long channels = in[0].get(1);
 *         ctx.add(path, block, channels, channels, ctx.perSample(in[0]),
 *                 MacShape.rowsOf(DiscoveryContext.paramPath(path, "scale")));
 *         return in;
 *     }
 *
 *     public Scale rebuild(Scale block, String path, RebuildContext ctx) {
 *         return new Scale();
 *     }
 * }
 * }</pre>
 *
 * @param <B> the block class
 */
public interface LayerSupport<B extends Block> {

    /**
     * Returns the exact class of the blocks this support knows.
     *
     * @return a concrete block class
     */
    Class<B> blockType();

    /**
     * Traces the block for discovery.
     *
     * <p>A container traces its children with {@link DiscoveryContext#visit} (their paths joined by
     * {@link DiscoveryContext#paramPath}); a residual connection couples its terms with {@link
     * DiscoveryContext#sum}; a layer making new channels calls {@link DiscoveryContext#produce}
     * after recording what it reads with {@link DiscoveryContext#consume}. A support must not
     * guess: whatever it cannot prove zero-invariant, or could not rebuild without it, it blocks
     * with a reason ({@link DiscoveryContext#blockAll}) or hands to {@link
     * DiscoveryContext#unsupported}.
     *
     * @param block the block
     * @param path the block's path (prefix of its parameter names), empty for the root
     * @param inputs the traced inputs
     * @param ctx the discovery state
     * @return the traced outputs
     */
    List<Trace> trace(B block, String path, List<Trace> inputs, DiscoveryContext ctx);

    /**
     * Counts the block's parameters and MACs for one input sample and returns its output shapes. A
     * layer records itself with {@link CostContext#add}; a container visits its children with
     * {@link CostContext#visit}; a block without weights (an activation, dropout) records nothing.
     *
     * @param block the initialized block
     * @param path its path
     * @param inputs its input shapes, batch axis first
     * @param ctx the walk's state
     * @return the output shapes
     */
    Shape[] cost(B block, String path, Shape[] inputs, CostContext ctx);

    /**
     * Returns the width compaction gives this block, when it has one of its own: a linear layer's
     * units after removing the indices {@code removed} names from its weight's rows, a
     * convolution's filters and groups. A block whose width follows its input (a norm, a lambda, a
     * container) returns empty, the default. Compaction records the widths of every block in the
     * tree (children included) before {@link #rebuild} reads them back.
     *
     * @param block the initialized block
     * @param path its path
     * @param removed the indices compaction removes from each parameter
     * @return the new width, or empty
     * @throws ai.hesso.djl.compact.CompactionException when the block cannot take the removal
     */
    default Optional<LayerWidth> width(B block, String path, RemovedIndices removed) {
        return Optional.empty();
    }

    /**
     * Returns the width this block is configured with, read from its settings, so that a new,
     * uninitialized block can be checked against a saved model's original widths: a linear layer's
     * units, a convolution's filters and groups. Empty, the default, for a block whose width
     * follows its input; a block with a {@link #width} of its own should override it.
     *
     * @param block the block, initialized or not
     * @param path its path
     * @return the configured width, or empty
     */
    default Optional<LayerWidth> configuredWidth(B block, String path) {
        return Optional.empty();
    }

    /**
     * Returns a new, uninitialized block with the widths compaction recorded ({@link
     * RebuildContext#width}) and every other setting copied; a container rebuilds its children with
     * {@link RebuildContext#rebuild} under the same names. The block is of the same class, or, when
     * that class cannot be built at the recorded widths, of another class the same registry
     * supports, with the same parameter paths and the same function on the kept channels (so the
     * compact model can be discovered, counted and compacted again). An implementation may declare
     * its own class as the return type.
     *
     * @param block the original block
     * @param path its path
     * @param ctx the rebuild's state
     * @return the new block
     * @throws ai.hesso.djl.compact.CompactionException naming the path when a setting cannot be
     *     read or a recorded width cannot be built
     */
    Block rebuild(B block, String path, RebuildContext ctx);

    /**
     * Returns a new, uninitialized copy of this layer that always has a bias, when a normalization
     * over the layer's output channels can be folded into it for inference: a convolution's axis 1,
     * a linear layer's last axis. {@code BatchNormFolding} then writes the norm's scale into the
     * copy's weight and its shift into the bias. Empty, the default, for a layer that cannot absorb
     * a norm over that axis.
     *
     * @param block the initialized layer
     * @param normAxis the axis the following norm normalizes, non-negative
     * @param rank the rank of the layer's output
     * @return the copy with a bias, or empty
     */
    default Optional<Block> withBiasForFolding(B block, int normAxis, int rank) {
        return Optional.empty();
    }

    /**
     * Writes the block into an ONNX graph (inference: running statistics, no dropout) and returns
     * its output values. A layer adds its nodes with {@link ExportContext#node} and its weights
     * with {@link ExportContext#parameter}; a container exports its children with {@link
     * ExportContext#visit} under their paths; a lambda or join is identified with {@link
     * ExportContext#functions}. Whatever it cannot express exactly it refuses with {@link
     * ExportContext#refuse}, never approximates. The batch axis stays dynamic: a reshape copies it
     * (0) or infers it (-1).
     *
     * <p>The default refuses: no ONNX export for the type.
     *
     * @param block the initialized block
     * @param path its path
     * @param inputs the names of its input values ({@link ExportContext#shape} gives their shapes)
     * @param ctx the export's state
     * @return the names of its output values
     * @throws ai.hesso.djl.export.OnnxExportException naming the path and class when the block
     *     cannot be exported
     */
    default List<String> export(B block, String path, List<String> inputs, ExportContext ctx) {
        throw ctx.refuse(
                block,
                path,
                "no ONNX export for "
                        + block.getClass().getName()
                        + ": its layer support "
                        + getClass().getName()
                        + " does not implement LayerSupport.export");
    }
}
