package ai.hesso.djl.layers;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.transformer.BertBlock;
import ai.djl.util.Pair;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.Trace;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The table of {@link LayerSupport}s by exact block class: the built-in ones, registered once here,
 * and the user's, which replace a built-in one for the same class. Discovery, {@code BlockCost},
 * {@code BlockMacs} and {@code Compaction} all ask the same registry (a {@code DiscoveryReport}
 * carries the one its discovery used), so a type taught once is traced, counted, budgeted and
 * rebuilt alike.
 *
 * <p>Built in: {@code SequentialBlock}, {@code ParallelBlock} (sum and concatenation joins, found
 * by probes), {@code LambdaBlock} (activations, pooling, flatten, found by probes), {@code Linear},
 * {@code Conv1d}, {@code Conv2d}, {@code Conv3d}, {@code BatchNorm}, {@code GhostBatchNorm}, {@code
 * LayerNorm}, {@code Dropout}, DJL's transformer blocks {@code ScaledDotProductAttentionBlock},
 * {@code PointwiseFeedForwardBlock} and {@code TransformerEncoderBlock}, and the blocks compaction
 * builds when it removes attention heads, {@link CompactAttentionBlock} and {@link
 * CompactTransformerEncoderBlock}. Refused with a reason ({@link #refusal}): {@code BertBlock}.
 */
public final class LayerRegistry {

    private static final LayerRegistry DEFAULTS = builder().build();

    /**
     * DJL blocks the library knows and refuses, with why: discovery and compaction name the reason
     * beside "no layer support".
     */
    private static final Map<Class<?>, String> REFUSED =
            Map.of(
                    BertBlock.class,
                    "DJL's BertBlock keeps its encoders in a private List<TransformerEncoderBlock>,"
                            + " so it cannot hold an encoder with fewer heads or hidden units, and"
                            + " no support reproduces its forward pass (token, type and position"
                            + " embeddings, the embedding norm, the attention mask it makes from"
                            + " the input mask, the pooler on the first token); its heads, hidden"
                            + " units and embedding stay whole. Build the network from Linear,"
                            + " TransformerEncoderBlock and lambda blocks to prune it");

    private final Map<Class<?>, LayerSupport<?>> byType;

    private LayerRegistry(Map<Class<?>, LayerSupport<?>> byType) {
        this.byType = Map.copyOf(byType);
    }

    /**
     * Returns the registry of the built-in supports alone.
     *
     * @return the default registry
     */
    public static LayerRegistry defaults() {
        return DEFAULTS;
    }

    /**
     * Creates a builder that starts from the built-in supports.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Finds the support for a block's exact class.
     *
     * @param block the block
     * @return its support, or empty when no support knows the class
     */
    public Optional<LayerSupport<?>> find(Block block) {
        return Optional.ofNullable(byType.get(supportedClass(block.getClass())));
    }

    /**
     * Returns the class whose support applies to blocks of a class: the class itself when it has a
     * support; for a subclass that declares no method of its own (constructors and fields only, as
     * DJL's {@code Mlp}, a {@code SequentialBlock} its constructor fills), the nearest superclass
     * with a support, since such a subclass computes, traces and rebuilds exactly as that class;
     * otherwise the class itself (no support).
     */
    private Class<?> supportedClass(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            if (byType.containsKey(c)) {
                return c;
            }
            boolean declaresMethods =
                    java.util.Arrays.stream(c.getDeclaredMethods())
                            .anyMatch(m -> !m.isSynthetic() && !m.isBridge());
            if (declaresMethods) {
                return type;
            }
        }
        return type;
    }

    /**
     * Returns why the library refuses a DJL block it has no support for, when it knows one.
     *
     * @param block the block
     * @return the reason, or empty when the block's class is simply unknown (or has a support)
     */
    public Optional<String> refusal(Block block) {
        return byType.containsKey(supportedClass(block.getClass()))
                ? Optional.empty()
                : Optional.ofNullable(REFUSED.get(block.getClass()));
    }

    /**
     * Returns the new width of every block of a tree that has one ({@link LayerSupport#width}), in
     * tree order, children included.
     *
     * @param root the initialized block
     * @param removed the indices compaction removes
     * @return the widths
     */
    public List<LayerWidth> widths(Block root, RemovedIndices removed) {
        List<LayerWidth> out = new ArrayList<>();
        collect(root, "", removed, out);
        return out;
    }

    /**
     * Returns the configured width of every block of a tree that has one ({@link
     * LayerSupport#configuredWidth}), in tree order, children included.
     *
     * @param root the block, initialized or not
     * @return the widths
     */
    public List<LayerWidth> configuredWidths(Block root) {
        List<LayerWidth> out = new ArrayList<>();
        collectConfigured(root, "", out);
        return out;
    }

    private void collectConfigured(Block block, String path, List<LayerWidth> out) {
        find(block).flatMap(s -> configuredWidth(s, block, path)).ifPresent(out::add);
        for (Pair<String, Block> child : block.getChildren()) {
            collectConfigured(
                    child.getValue(), DiscoveryContext.paramPath(path, child.getKey()), out);
        }
    }

    private void collect(Block block, String path, RemovedIndices removed, List<LayerWidth> out) {
        find(block).flatMap(s -> width(s, block, path, removed)).ifPresent(out::add);
        for (Pair<String, Block> child : block.getChildren()) {
            collect(
                    child.getValue(),
                    DiscoveryContext.paramPath(path, child.getKey()),
                    removed,
                    out);
        }
    }

    /**
     * Rebuilds a block tree with the given widths.
     *
     * @param root the original block
     * @param widths the widths, by block path
     * @return a new, uninitialized block of the same structure
     * @throws ai.hesso.djl.compact.CompactionException naming the block path and class of a block
     *     that cannot be rebuilt
     * @throws IllegalArgumentException when two widths have the same path
     */
    public Block rebuild(Block root, List<LayerWidth> widths) {
        Map<String, LayerWidth> byPath = new LinkedHashMap<>();
        for (LayerWidth w : widths) {
            if (byPath.put(w.path(), w) != null) {
                throw new IllegalArgumentException("layer " + w.path() + " has two widths");
            }
        }
        return new RebuildContext(this, byPath).rebuild(root, "");
    }

    static <B extends Block> List<Trace> trace(
            LayerSupport<B> s, Block block, String path, List<Trace> in, DiscoveryContext ctx) {
        return s.trace(s.blockType().cast(block), path, in, ctx);
    }

    static <B extends Block> Shape[] cost(
            LayerSupport<B> s, Block block, String path, Shape[] in, CostContext ctx) {
        return s.cost(s.blockType().cast(block), path, in, ctx);
    }

    static <B extends Block> Optional<LayerWidth> width(
            LayerSupport<B> s, Block block, String path, RemovedIndices removed) {
        return s.width(s.blockType().cast(block), path, removed);
    }

    static <B extends Block> Optional<LayerWidth> configuredWidth(
            LayerSupport<B> s, Block block, String path) {
        return s.configuredWidth(s.blockType().cast(block), path);
    }

    static <B extends Block> Block rebuild(
            LayerSupport<B> s, Block block, String path, RebuildContext ctx) {
        Block rebuilt = s.rebuild(s.blockType().cast(block), path, ctx);
        if (rebuilt == null
                || (rebuilt.getClass() != block.getClass()
                        && !ctx.registry().byType.containsKey(rebuilt.getClass()))) {
            throw new ai.hesso.djl.compact.CompactionException(
                    path,
                    "the layer support "
                            + s.getClass().getName()
                            + " rebuilt block "
                            + DiscoveryContext.displayPath(path)
                            + " ("
                            + block.getClass().getName()
                            + ") as "
                            + (rebuilt == null ? "null" : rebuilt.getClass().getName())
                            + "; a rebuild keeps the class or returns one the registry supports");
        }
        return rebuilt;
    }

    /**
     * Traces a block with its support, for the discovery of a {@link DiscoveryContext}.
     *
     * @param support the support, whose {@link LayerSupport#blockType} is the block's class
     * @param block the block
     * @param path its path
     * @param inputs the traced inputs
     * @param ctx the discovery state
     * @return the traced outputs
     */
    public static List<Trace> traceWith(
            LayerSupport<?> support,
            Block block,
            String path,
            List<Trace> inputs,
            DiscoveryContext ctx) {
        return trace(support, block, path, inputs, ctx);
    }

    /**
     * Exports a block with its support, for an {@link ai.hesso.djl.export.ExportContext}.
     *
     * @param support the support, whose {@link LayerSupport#blockType} is the block's class
     * @param block the block
     * @param path its path
     * @param inputs the names of its input values
     * @param ctx the export's state
     * @return the names of its output values
     */
    public static List<String> exportWith(
            LayerSupport<?> support,
            Block block,
            String path,
            List<String> inputs,
            ai.hesso.djl.export.ExportContext ctx) {
        return export(support, block, path, inputs, ctx);
    }

    private static <B extends Block> List<String> export(
            LayerSupport<B> s,
            Block block,
            String path,
            List<String> in,
            ai.hesso.djl.export.ExportContext ctx) {
        return s.export(s.blockType().cast(block), path, in, ctx);
    }

    /**
     * Asks a block's support for a copy with a bias that a following norm over {@code normAxis} can
     * be folded into ({@link LayerSupport#withBiasForFolding}).
     *
     * @param block the initialized layer
     * @param normAxis the axis the norm normalizes, non-negative
     * @param rank the rank of the layer's output
     * @return the copy, or empty when no support knows the block or it cannot absorb the norm
     */
    public Optional<Block> withBiasForFolding(Block block, int normAxis, int rank) {
        return find(block).flatMap(s -> foldTarget(s, block, normAxis, rank));
    }

    private static <B extends Block> Optional<Block> foldTarget(
            LayerSupport<B> s, Block block, int normAxis, int rank) {
        return s.withBiasForFolding(s.blockType().cast(block), normAxis, rank);
    }

    /** Collects supports; the user's replace built-in ones for the same class. */
    public static final class Builder {

        private final Map<Class<?>, LayerSupport<?>> builtIn = new LinkedHashMap<>();
        private final Map<Class<?>, LayerSupport<?>> user = new LinkedHashMap<>();

        private Builder() {
            for (LayerSupport<?> s :
                    List.of(
                            new SequentialSupport(),
                            new ParallelSupport(),
                            new LambdaSupport(),
                            new LinearSupport(),
                            new ConvolutionSupport<>(Conv1d.class),
                            new ConvolutionSupport<>(Conv2d.class),
                            new ConvolutionSupport<>(Conv3d.class),
                            new BatchNormSupport(),
                            new GhostBatchNormSupport(),
                            new LayerNormSupport(),
                            new DropoutSupport(),
                            new AttentionSupport(),
                            new CompactAttentionSupport(),
                            new PointwiseFeedForwardSupport(),
                            new TransformerEncoderSupport(),
                            new CompactTransformerEncoderSupport())) {
                builtIn.put(s.blockType(), s);
            }
        }

        /**
         * Adds the support of a block type the library does not know, or replaces the built-in one
         * for the same class.
         *
         * @param support the support, not null
         * @return this builder
         * @throws IllegalArgumentException when its {@link LayerSupport#blockType} is null, an
         *     interface or abstract class (no block's exact class), or already has a support added
         *     here
         */
        public Builder optLayer(LayerSupport<?> support) {
            Objects.requireNonNull(support, "support");
            Class<?> type = support.blockType();
            String name = support.getClass().getName();
            if (type == null) {
                throw new IllegalArgumentException(
                        "layer support " + name + " names no block type (blockType() is null)");
            }
            if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
                throw new IllegalArgumentException(
                        "layer support "
                                + name
                                + " names "
                                + type.getName()
                                + ", which is an interface or abstract class: supports match a"
                                + " block's exact class, so it would never be asked");
            }
            LayerSupport<?> previous = user.putIfAbsent(type, support);
            if (previous != null) {
                throw new IllegalArgumentException(
                        "two layer supports for "
                                + type.getName()
                                + ": "
                                + previous.getClass().getName()
                                + " and "
                                + name);
            }
            return this;
        }

        /**
         * Builds the registry.
         *
         * @return the registry
         */
        public LayerRegistry build() {
            Map<Class<?>, LayerSupport<?>> all = new LinkedHashMap<>(builtIn);
            all.putAll(user);
            return new LayerRegistry(all);
        }
    }
}
