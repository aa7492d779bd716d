package ai.hesso.djl.layers;

import ai.djl.nn.Block;
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
                                                + display(path)
                                                + " ("
                                                + block.getClass().getName()
                                                + "): no layer support for its class (exact"
                                                + " classes); register one with"
                                                + " GroupDiscovery.builder().optLayer(..)"));
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
                            + display(path)
                            + " ("
                            + block.getClass().getName()
                            + ")");
        }
        if (!w.kind().equals(block.getClass().getSimpleName())) {
            throw new CompactionException(
                    path,
                    "block "
                            + display(path)
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

    static String display(String path) {
        return path.isEmpty() ? "<root>" : path;
    }
}
