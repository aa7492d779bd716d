package ai.hesso.djl.compact;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The widths of every linear and convolution layer of a block tree, by block path. */
final class LayerWidths {

    private final Map<String, LayerWidth> byPath;

    LayerWidths(List<LayerWidth> widths) {
        Map<String, LayerWidth> map = new LinkedHashMap<>();
        for (LayerWidth w : widths) {
            if (map.put(w.path(), w) != null) {
                throw new IllegalArgumentException("layer " + w.path() + " has two widths");
            }
        }
        this.byPath = Collections.unmodifiableMap(map);
    }

    /**
     * The widths after removing the plan's indices from an initialized block.
     *
     * @param block the original block
     * @param plan the removal plan
     * @return the widths, in tree order
     * @throws CompactionException when a grouped (not depthwise) convolution would change width
     */
    static LayerWidths after(Block block, RemovalPlan plan) {
        List<LayerWidth> out = new ArrayList<>();
        collect(block, "", plan, out);
        return new LayerWidths(out);
    }

    /**
     * The widths a block tree is configured with, read from its layers' settings: it need not be
     * initialized. A linear layer's units, a convolution's filters and groups.
     *
     * @param block the root
     * @return the widths, in tree order
     */
    static LayerWidths configured(Block block) {
        List<LayerWidth> out = new ArrayList<>();
        collectConfigured(block, "", out);
        return new LayerWidths(out);
    }

    private static void collectConfigured(Block block, String path, List<LayerWidth> out) {
        if (block.getClass() == Linear.class) {
            // DJL keeps the units private; the output shape of a one-feature input carries them
            long units = block.getOutputShapes(new Shape[] {new Shape(1)})[0].get(0);
            out.add(new LayerWidth(path, "Linear", units, 1));
            return;
        }
        if (block instanceof Convolution conv && BlockRebuilder.isConvolution(block)) {
            String kind = conv.getClass().getSimpleName();
            out.add(new LayerWidth(path, kind, conv.getFilters(), conv.getGroups()));
            return;
        }
        for (Pair<String, Block> child : block.getChildren()) {
            collectConfigured(child.getValue(), Compaction.paramPath(path, child.getKey()), out);
        }
    }

    private static void collect(Block block, String path, RemovalPlan plan, List<LayerWidth> out) {
        if (block.getClass() == Linear.class) {
            String weight = Compaction.paramPath(path, "weight");
            long units = shape(block, "weight").get(0) - plan.removedCount(weight, 0);
            out.add(new LayerWidth(path, "Linear", units, 1));
            return;
        }
        if (block instanceof Convolution conv && BlockRebuilder.isConvolution(block)) {
            out.add(convolution(conv, path, plan));
            return;
        }
        for (Pair<String, Block> child : block.getChildren()) {
            collect(child.getValue(), Compaction.paramPath(path, child.getKey()), plan, out);
        }
    }

    private static LayerWidth convolution(Convolution conv, String path, RemovalPlan plan) {
        String weight = Compaction.paramPath(path, "weight");
        Shape shape = shape(conv, "weight");
        long filters = shape.get(0) - plan.removedCount(weight, 0);
        int groups = conv.getGroups();
        String kind = conv.getClass().getSimpleName();
        if (groups == 1) {
            return new LayerWidth(path, kind, filters, 1);
        }
        boolean depthwise = groups == shape.get(0) && shape.get(1) == 1;
        if (depthwise) {
            return new LayerWidth(path, kind, filters, Math.toIntExact(filters));
        }
        if (filters != shape.get(0) || plan.removedCount(weight, 1) > 0) {
            throw new CompactionException(
                    path,
                    "cannot rebuild block "
                            + Compaction.display(path)
                            + " ("
                            + conv.getClass().getName()
                            + "): a grouped convolution (groups="
                            + groups
                            + ") can only keep its width; only groups = 1 and depthwise"
                            + " convolutions can lose channels");
        }
        return new LayerWidth(path, kind, filters, groups);
    }

    private static Shape shape(Block block, String name) {
        return block.getParameters().get(name).getArray().getShape();
    }

    /**
     * Returns the width of a layer.
     *
     * @param path the block path
     * @return the width, or empty when none is recorded
     */
    Optional<LayerWidth> of(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    /**
     * Returns every width, in tree order.
     *
     * @return the widths
     */
    List<LayerWidth> all() {
        return List.copyOf(byPath.values());
    }
}
