package ai.hesso.djl.compact;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Loads a compact model saved by {@link CompactModel#save}.
 *
 * <p>DJL stores parameters, not code: activations, pooling and the joins of parallel blocks are
 * Java lambdas that no file can hold. So loading takes a fresh instance of the <em>original</em>
 * architecture (the same factory call that built the model before compaction) and {@code
 * compact.json} says how to shrink it: the width of every linear and convolution layer. The tree of
 * the given architecture must match the saved one block for block.
 */
public final class CompactModels {

    private CompactModels() {}

    /**
     * Rebuilds the compact block from the original architecture and loads the saved parameters.
     *
     * @param directory the directory {@link CompactModel#save} wrote
     * @param originalArchitecture a new, uninitialized instance of the architecture the model was
     *     compacted from
     * @return a new model ready for inference; the caller closes it
     * @throws IOException if a file cannot be read
     * @throws MalformedModelException if {@code compact.json} is not a version 1 description or the
     *     architecture does not match it
     */
    public static Model load(Path directory, Block originalArchitecture)
            throws IOException, MalformedModelException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(originalArchitecture, "originalArchitecture");
        CompactFormat f = read(directory.resolve(CompactFormat.FILE));
        List<LayerWidth> widths = new ArrayList<>();
        for (CompactFormat.Layer l : f.layers) {
            widths.add(l.toWidth());
        }
        Block rebuilt = BlockRebuilder.rebuild(originalArchitecture, new LayerWidths(widths));
        List<String> blocks = CompactFormat.blocks(rebuilt);
        if (!blocks.equals(f.blocks)) {
            throw new MalformedModelException(
                    "the architecture given to load does not match "
                            + directory.resolve(CompactFormat.FILE)
                            + ": saved blocks "
                            + f.blocks
                            + ", given "
                            + blocks);
        }
        Shape[] shapes = f.inputShapes.stream().map(Shape::new).toArray(Shape[]::new);
        Model model = Model.newInstance(f.modelName);
        try {
            model.setBlock(rebuilt);
            Compaction.initialize(rebuilt, model, DataType.valueOf(f.dataType), shapes);
            model.load(directory, f.modelName);
            return model;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static CompactFormat read(Path file) throws IOException, MalformedModelException {
        CompactFormat f;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            f = new Gson().fromJson(r, CompactFormat.class);
        } catch (JsonParseException e) {
            throw new MalformedModelException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (f == null
                || !CompactFormat.FORMAT.equals(f.format)
                || f.version != CompactFormat.VERSION) {
            throw new MalformedModelException(
                    file
                            + " is not a '"
                            + CompactFormat.FORMAT
                            + "' description of version "
                            + CompactFormat.VERSION);
        }
        for (String field :
                new String[] {"modelName", "dataType", "inputShapes", "blocks", "layers"}) {
            if (missing(f, field)) {
                throw new MalformedModelException(file + " lacks the field '" + field + "'");
            }
        }
        return f;
    }

    private static boolean missing(CompactFormat f, String field) {
        return switch (field) {
            case "modelName" -> f.modelName == null;
            case "dataType" -> f.dataType == null;
            case "inputShapes" -> f.inputShapes == null || f.inputShapes.isEmpty();
            case "blocks" -> f.blocks == null;
            default -> f.layers == null;
        };
    }
}
