package ai.hesso.djl.discovery;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.norm.BatchNorm;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link BatchNorm}: normalises each channel on its own, so gamma and beta join the producer of its
 * input (zeroing them zeroes the output channel exactly) and the running mean and variance are
 * companions compaction must slice. A batch norm over several producers (after a concatenation) is
 * left unprunable. The normalised axis is read from the block; when it cannot be read the block is
 * unsupported (the handler does not guess it).
 */
final class BatchNormHandler implements LayerHandler {

    private final Function<Block, Optional<Object>> axisReader;

    /** A handler that reads BatchNorm's private {@code axis} field. */
    BatchNormHandler() {
        this(block -> Reflect.field(block, BatchNorm.class, "axis"));
    }

    /**
     * A handler with another way to read the axis (tests simulate a failed read).
     *
     * @param axisReader returns the block's axis, or empty when it cannot be read
     */
    BatchNormHandler(Function<Block, Optional<Object>> axisReader) {
        this.axisReader = axisReader;
    }

    /** {@inheritDoc} */
    @Override
    public boolean supports(Block block) {
        return block.getClass() == BatchNorm.class;
    }

    /** {@inheritDoc} */
    @Override
    public List<Trace> trace(Block block, String path, List<Trace> inputs, DiscoveryContext ctx) {
        if (inputs.size() != 1) {
            return ctx.unsupported(block, path, inputs, "expects one input", true);
        }
        Optional<Object> read = axisReader.apply(block);
        if (read.isEmpty() || !(read.get() instanceof Integer)) {
            return ctx.unsupported(
                    block,
                    path,
                    inputs,
                    "cannot read the normalised axis (BatchNorm's private field 'axis'), so the"
                            + " channel axis is unknown",
                    true);
        }
        Trace in = inputs.get(0);
        int rank = in.shape().dimension();
        int axis = (Integer) read.get();
        axis = axis < 0 ? axis + rank : axis;
        in = ctx.relayout(in, axis, path);
        Shape out = block.getOutputShapes(new Shape[] {in.shape()})[0];
        return List.of(
                ctx.follow(
                        in,
                        block,
                        path,
                        out,
                        List.of("gamma", "beta"),
                        List.of("runningMean", "runningVar")));
    }
}
