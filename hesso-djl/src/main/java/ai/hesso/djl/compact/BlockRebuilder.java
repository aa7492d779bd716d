package ai.hesso.djl.compact;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Rebuilds a block tree with new layer widths: the same containers, child names and layer settings,
 * new (uninitialized) layers. Containers and lambdas are rebuilt here, parameterised layers by
 * {@link LayerFactory}.
 *
 * <p>Known types (exact classes, not subclasses): {@link SequentialBlock}, {@link ParallelBlock},
 * {@link LambdaBlock}, and the layers {@link LayerFactory} knows. Anything else fails with a {@link
 * CompactionException} naming the block path and class.
 */
final class BlockRebuilder {

    private static final Set<Class<?>> CONVOLUTIONS =
            Set.of(Conv1d.class, Conv2d.class, Conv3d.class);

    private BlockRebuilder() {}

    /**
     * Whether the block is a convolution compaction can rebuild.
     *
     * @param block a block
     * @return true for exact {@code Conv1d}, {@code Conv2d} and {@code Conv3d}
     */
    static boolean isConvolution(Block block) {
        return CONVOLUTIONS.contains(block.getClass());
    }

    /**
     * Rebuilds the tree.
     *
     * @param block the original block
     * @param widths the new widths of the linear and convolution layers
     * @return a new, uninitialized block of the same structure
     * @throws CompactionException on a block it cannot rebuild
     */
    static Block rebuild(Block block, LayerWidths widths) {
        return rebuild(block, "", widths);
    }

    @SuppressWarnings("unchecked")
    private static Block rebuild(Block block, String path, LayerWidths widths) {
        Class<?> type = block.getClass();
        if (type == SequentialBlock.class) {
            SequentialBlock copy = new SequentialBlock();
            copy.setReturnIntermediate(((SequentialBlock) block).isReturnIntermediate());
            copy.addAll(children(block, path, widths));
            return copy;
        }
        if (type == ParallelBlock.class) {
            Function<List<NDList>, NDList> join =
                    Fields.read(block, ParallelBlock.class, "function", Function.class, path);
            return new ParallelBlock(join, children(block, path, widths));
        }
        if (type == LambdaBlock.class) {
            Function<NDList, NDList> lambda =
                    Fields.read(block, LambdaBlock.class, "lambda", Function.class, path);
            return new LambdaBlock(lambda, ((LambdaBlock) block).getName());
        }
        return LayerFactory.rebuild(block, path, widths);
    }

    private static List<Block> children(Block block, String path, LayerWidths widths) {
        List<Block> out = new ArrayList<>();
        for (Pair<String, Block> child : block.getChildren()) {
            out.add(rebuild(child.getValue(), Compaction.paramPath(path, child.getKey()), widths));
        }
        return out;
    }
}
