package ai.hesso.djl.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.BlockList;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.GhostBatchNorm;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import ai.hesso.djl.engine.Aliases;
import ai.hesso.djl.engine.DjlFields;
import ai.hesso.djl.layers.LayerRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Folds every batch norm that directly follows a convolution or a linear layer into it, for
 * inference: a new block whose layer computes {@code W' x + b'} with {@code W' = s W} (row {@code
 * c} of the weight scaled by {@code s_c}) and {@code b' = s (b - mean) + beta}, {@code s = gamma /
 * sqrt(var + eps)} from the norm's running statistics, and the norm is gone. The original block is
 * left as it is, so it can be trained further; the folded one computes its inference outputs (to
 * float rounding) and trains differently (it has no batch statistics).
 *
 * <p>"Directly follows" means the next child of the same {@link SequentialBlock}, normalising the
 * layer's channel axis (axis 1 after a convolution, the last axis after a linear layer: which layer
 * can absorb a norm over which axis its {@link ai.hesso.djl.layers.LayerSupport#withBiasForFolding}
 * says); a norm anywhere else (after an addition, inside a transformer encoder) is kept. Sequential
 * and parallel blocks are rebuilt around the folded pairs (their child names, and so the parameter
 * paths below them, are DJL's for the new children); every other block is rebuilt by its {@link
 * ai.hesso.djl.layers.LayerSupport} at its configured widths and its values copied.
 *
 * <p>Compare Torch's {@code fuse_conv_bn_eval}, which does the same for one pair.
 */
public final class BatchNormFolding {

    private final LayerRegistry registry;
    private final List<Pair<Block, Block>> copies = new ArrayList<>();
    private final List<Fold> folds = new ArrayList<>();

    /** A layer, the norm folded into it, and the layer that replaces both. */
    private record Fold(Block layer, BatchNorm norm, Block folded) {}

    private BatchNormFolding(LayerRegistry registry) {
        this.registry = registry;
    }

    /**
     * Folds with the built-in layer supports.
     *
     * @param block the initialized block, left unchanged
     * @param manager the manager the new block's arrays are created on (the caller closes it)
     * @param inputShape the input shape, batch axis first
     * @return the new, initialized block
     * @throws IllegalArgumentException naming the first parameter that is not initialized
     */
    public static Block fold(Block block, NDManager manager, Shape inputShape) {
        return fold(block, manager, inputShape, LayerRegistry.defaults());
    }

    /**
     * Folds, rebuilding the blocks that are not folded with the given registry's supports.
     *
     * @param block the initialized block, left unchanged
     * @param manager the manager the new block's arrays are created on (the caller closes it)
     * @param inputShape the input shape, batch axis first
     * @param registry the layer supports (a user's block types)
     * @return the new, initialized block
     * @throws IllegalArgumentException naming the first parameter that is not initialized
     * @throws ai.hesso.djl.compact.CompactionException naming a block no support can rebuild
     */
    public static Block fold(
            Block block, NDManager manager, Shape inputShape, LayerRegistry registry) {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(inputShape, "inputShape");
        OnnxExport.requireInitialized(block);
        BatchNormFolding folding = new BatchNormFolding(registry);
        Block folded = folding.copy(block, new Shape[] {inputShape});
        DataType type =
                block.getParameters().isEmpty()
                        ? DataType.FLOAT32
                        : block.getParameters().valueAt(0).getArray().getDataType();
        folded.initialize(manager, type, inputShape);
        try {
            folding.copyValues();
        } catch (RuntimeException e) {
            folded.getParameters().values().forEach(Parameter::close);
            throw e;
        }
        return folded;
    }

    /**
     * Counts the batch norms {@link #fold} would fold, without building anything.
     *
     * @param block the block
     * @param inputShape its input shape
     * @return the number of foldable pairs
     */
    static int countFoldable(Block block, Shape inputShape, LayerRegistry registry) {
        return count(block, new Shape[] {inputShape}, registry);
    }

    private static int count(Block block, Shape[] in, LayerRegistry registry) {
        int n = 0;
        if (block.getClass() == SequentialBlock.class) {
            SequentialBlock seq = (SequentialBlock) block;
            List<Block> children = seq.getChildren().values();
            Shape[] current = in;
            for (int i = 0; i < children.size(); i++) {
                Block child = children.get(i);
                Shape[] next = child.getOutputShapes(current);
                if (i + 1 < children.size()
                        && !seq.isReturnIntermediate()
                        && foldTarget(registry, child, children.get(i + 1), next[0]).isPresent()) {
                    n++;
                    i++;
                } else {
                    n += count(child, current, registry);
                }
                current = next;
            }
        } else if (block.getClass() == ParallelBlock.class) {
            for (Block child : block.getChildren().values()) {
                n += count(child, in, registry);
            }
        }
        return n;
    }

    private Block copy(Block block, Shape[] in) {
        if (block.getClass() == SequentialBlock.class) {
            SequentialBlock seq = (SequentialBlock) block;
            SequentialBlock out = new SequentialBlock();
            out.setReturnIntermediate(seq.isReturnIntermediate());
            List<Block> children = seq.getChildren().values();
            List<String> names = new ArrayList<>();
            Shape[] current = in;
            for (int i = 0; i < children.size(); i++) {
                Block child = children.get(i);
                names.add(seq.getChildren().get(i).getKey());
                Shape[] next = child.getOutputShapes(current);
                Optional<Block> target =
                        i + 1 < children.size() && !seq.isReturnIntermediate()
                                ? foldTarget(registry, child, children.get(i + 1), next[0])
                                : Optional.empty();
                if (target.isPresent()) {
                    Block layer = target.get();
                    folds.add(new Fold(child, (BatchNorm) children.get(i + 1), layer));
                    out.add(layer);
                    i++;
                } else {
                    out.add(copy(child, current));
                }
                current = next;
            }
            return keepNames(out, names);
        }
        if (block.getClass() == ParallelBlock.class) {
            List<Block> branches = new ArrayList<>();
            for (Block child : block.getChildren().values()) {
                branches.add(copy(child, in));
            }
            return new ParallelBlock(join(block), branches);
        }
        Block rebuilt = registry.rebuild(block, registry.configuredWidths(block));
        copies.add(new Pair<>(block, rebuilt));
        return rebuilt;
    }

    /**
     * Gives the kept children their original names, so that the parameter paths and block paths (in
     * export messages) below a folded norm stay the user's; DJL would number them anew.
     */
    private static SequentialBlock keepNames(SequentialBlock block, List<String> names) {
        try {
            DjlFields.write(
                    block,
                    AbstractBlock.class,
                    "children",
                    new BlockList(names, block.getChildren().values()));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // DJL's own names then: the same function, other paths
        }
        return block;
    }

    /**
     * The copy with a bias of a layer that the norm after it folds into, or empty: only batch norms
     * (in inference they are an affine map per channel of the running statistics) after a layer
     * whose support can absorb them over the norm's axis.
     */
    private static Optional<Block> foldTarget(
            LayerRegistry registry, Block layer, Block next, Shape layerOut) {
        Class<?> n = next.getClass();
        if (n != BatchNorm.class && n != GhostBatchNorm.class) {
            return Optional.empty();
        }
        int rank = layerOut.dimension();
        Object axisField = read(next, BatchNorm.class, "axis");
        if (!(axisField instanceof Integer a)) {
            return Optional.empty();
        }
        return registry.withBiasForFolding(layer, a < 0 ? a + rank : a, rank);
    }

    private void copyValues() {
        for (Pair<Block, Block> p : copies) {
            PairList<String, Parameter> from = p.getKey().getParameters();
            PairList<String, Parameter> to = p.getValue().getParameters();
            for (Pair<String, Parameter> t : to) {
                Parameter source = from.get(t.getKey());
                if (source == null) {
                    throw new IllegalStateException(
                            "the rebuilt copy of "
                                    + p.getKey().getClass().getName()
                                    + " has parameter "
                                    + t.getKey()
                                    + ", which the original lacks");
                }
                Aliases.overwrite(t.getValue().getArray(), source.getArray());
            }
        }
        for (Fold f : folds) {
            NDArray original = f.layer().getParameters().get("weight").getArray();
            try (NDManager scope = original.getManager().newSubManager()) {
                // copies in the scope, so that every result below is freed with it
                NDArray weight = inScope(original, scope);
                NDArray gamma = inScope(array(f.norm(), "gamma"), scope);
                NDArray beta = inScope(array(f.norm(), "beta"), scope);
                NDArray mean = inScope(array(f.norm(), "runningMean"), scope);
                NDArray var = inScope(array(f.norm(), "runningVar"), scope);
                float eps = (Float) read(f.norm(), BatchNorm.class, "epsilon");
                NDArray s = gamma.div(var.add(eps).sqrt());
                long[] dims = new long[weight.getShape().dimension()];
                Arrays.fill(dims, 1);
                dims[0] = s.size();
                NDArray w = weight.mul(s.reshape(dims));
                Parameter bias = f.layer().getParameters().get("bias");
                NDArray b = bias == null ? mean.zerosLike() : inScope(bias.getArray(), scope);
                NDArray shifted = b.sub(mean).mul(s).add(beta);
                Aliases.overwrite(f.folded().getParameters().get("weight").getArray(), w);
                Aliases.overwrite(f.folded().getParameters().get("bias").getArray(), shifted);
            }
        }
    }

    private static NDArray inScope(NDArray array, NDManager scope) {
        NDArray copy = array.duplicate();
        copy.attach(scope);
        return copy;
    }

    private static NDArray array(Block norm, String name) {
        return norm.getParameters().get(name).getArray();
    }

    @SuppressWarnings("unchecked")
    private static Function<List<NDList>, NDList> join(Block parallel) {
        Object f = read(parallel, ParallelBlock.class, "function");
        if (!(f instanceof Function)) {
            throw new OnnxExportException(
                    "",
                    "cannot fold the batch norms inside a ParallelBlock: its join (private field"
                            + " 'function') cannot be read");
        }
        return (Function<List<NDList>, NDList>) f;
    }

    private static Object read(Object target, Class<?> owner, String name) {
        try {
            return DjlFields.read(target, owner, name);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
