package ai.hesso.djl.layers;

import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.BlockList;
import ai.djl.util.Pair;
import ai.hesso.djl.compact.CompactionException;
import ai.hesso.djl.discovery.DiscoveryContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The state of one rebuild of a block tree at new widths, handed to every {@link
 * LayerSupport#rebuild}: the recorded widths and the way to rebuild children.
 */
public final class RebuildContext {

    private final LayerRegistry registry;
    private final Map<String, LayerWidth> widths;

    RebuildContext(LayerRegistry registry, Map<String, LayerWidth> widths) {
        this.registry = registry;
        this.widths = widths;
    }

    LayerRegistry registry() {
        return registry;
    }

    /**
     * Rebuilds a block (a child, under its own path) with its support.
     *
     * @param block the original block
     * @param path its path
     * @return the new, uninitialized block
     * @throws CompactionException naming the path and class of a block no support knows
     */
    public Block rebuild(Block block, String path) {
        return registry.find(block)
                .map(s -> LayerRegistry.rebuild(s, block, path, this))
                .orElseThrow(
                        () ->
                                new CompactionException(
                                        path,
                                        "cannot rebuild block "
                                                + DiscoveryContext.displayPath(path)
                                                + " ("
                                                + block.getClass().getName()
                                                + "): no layer support for its class (exact"
                                                + " classes)"
                                                + registry.refusal(block)
                                                        .map(r -> ": " + r)
                                                        .orElse(
                                                                "; register one with"
                                                                        + " GroupDiscovery.builder()"
                                                                        + ".optLayer(..)")));
    }

    /**
     * Rebuilds every child of a block, in order, under their paths.
     *
     * @param block the original container
     * @param path its path
     * @return the new children, in the same order (the caller adds them, which gives them the same
     *     names)
     */
    public List<Block> children(Block block, String path) {
        List<Block> out = new ArrayList<>();
        for (Pair<String, Block> child : block.getChildren()) {
            out.add(rebuild(child.getValue(), DiscoveryContext.paramPath(path, child.getKey())));
        }
        return out;
    }

    /**
     * Gives a rebuilt container's children the names the original's children have. DJL's sequential
     * and parallel blocks name a child after its class ({@code 02TransformerEncoderBlock}); a child
     * rebuilt as another class ({@link CompactTransformerEncoderBlock}) would otherwise get another
     * name, and with it other parameter paths than the ones compaction copies by and a saved
     * compact model is loaded by.
     *
     * @param rebuilt the rebuilt container, its children added in the original's order
     * @param original the original container
     * @param path its path, for the message
     * @param <C> the container's class
     * @return {@code rebuilt}
     * @throws CompactionException when the children differ in number or cannot be renamed
     */
    public <C extends AbstractBlock> C keepChildNames(C rebuilt, Block original, String path) {
        BlockList before = original.getChildren();
        BlockList after = rebuilt.getChildren();
        if (before.size() != after.size()) {
            throw new CompactionException(
                    path,
                    "block "
                            + DiscoveryContext.displayPath(path)
                            + " was rebuilt with "
                            + after.size()
                            + " children instead of "
                            + before.size());
        }
        if (before.keys().equals(after.keys())) {
            return rebuilt;
        }
        try {
            Settings.write(
                    rebuilt,
                    AbstractBlock.class,
                    "children",
                    new BlockList(before.keys(), after.values()));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new CompactionException(
                    path,
                    "cannot give the children of rebuilt block "
                            + DiscoveryContext.displayPath(path)
                            + " their original names "
                            + before.keys()
                            + " ("
                            + e
                            + ")",
                    e);
        }
        return rebuilt;
    }

    /**
     * Returns the width recorded for a block ({@link LayerSupport#width}).
     *
     * @param block the original block
     * @param path its path
     * @return the width
     * @throws CompactionException when none is recorded or it was recorded for another kind
     */
    public LayerWidth width(Block block, String path) {
        LayerWidth w = widths.get(path);
        if (w == null) {
            throw new CompactionException(
                    path,
                    "no width recorded for block "
                            + DiscoveryContext.displayPath(path)
                            + " ("
                            + block.getClass().getName()
                            + ")");
        }
        if (!w.kind().equals(block.getClass().getSimpleName())) {
            throw new CompactionException(
                    path,
                    "block "
                            + DiscoveryContext.displayPath(path)
                            + " is a "
                            + block.getClass().getName()
                            + " but its recorded width is for a "
                            + w.kind());
        }
        return w;
    }

    /**
     * Reads a private setting of a block that has no getter, for a rebuild that must copy it.
     *
     * @param block the block
     * @param owner the class that declares the field
     * @param name the field name
     * @param type the expected type
     * @param path the block's path, for the message
     * @param <T> the type
     * @return the value
     * @throws CompactionException when the field cannot be read or has another type
     */
    public <T> T setting(Object block, Class<?> owner, String name, Class<T> type, String path) {
        return Settings.read(Objects.requireNonNull(block, "block"), owner, name, type, path);
    }
}
