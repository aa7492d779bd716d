package ai.hesso.djl.compact;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.hesso.djl.layers.LayerRegistry;
import ai.hesso.djl.layers.LayerWidth;
import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a compact model saved by {@link CompactModel#save}.
 *
 * <p>DJL stores parameters, not code: layer widths are not in the parameter file, and activations,
 * pooling and the joins of parallel blocks are Java lambdas that no file can hold. So loading takes
 * a fresh instance of the <em>original</em> architecture (the same factory call that built the
 * model before compaction) and {@code compact.json} says how to shrink it: the width of every
 * linear and convolution layer. The tree of the given architecture must match the saved one block
 * for block.
 *
 * <pre>{@code
 * try (Model model = CompactModels.load(Path.of("build/compact"), MyModels.original())) {
 *     Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
 *     ...
 * }
 * }</pre>
 */
public final class CompactModels {

    private static final Logger LOG = LoggerFactory.getLogger(CompactModels.class);

    private CompactModels() {}

    /**
     * Rebuilds the compact block from the original architecture and loads the saved parameters,
     * batch-norm running statistics included.
     *
     * @param directory the directory {@link CompactModel#save} wrote
     * @param originalArchitecture a new, uninitialized instance of the architecture the model was
     *     compacted from; it is only read, the returned model holds new blocks
     * @return a new model ready for inference (or further training) on the default device; the
     *     caller closes it
     * @throws IOException if a file cannot be read
     * @throws MalformedModelException if {@code compact.json} is not a version 1 description, the
     *     architecture does not match it block for block, or the parameter file does not fit the
     *     widths it gives
     */
    public static Model load(Path directory, Block originalArchitecture)
            throws IOException, MalformedModelException {
        return load(directory, originalArchitecture, LayerRegistry.defaults());
    }

    /**
     * Rebuilds the compact block from the original architecture with the given layer supports (a
     * model with block types of its own needs the registry its discovery used) and loads the saved
     * parameters, as {@link #load(Path, Block)} does.
     *
     * @param directory the directory {@link CompactModel#save} wrote
     * @param originalArchitecture a new, uninitialized instance of the original architecture
     * @param layers the layer supports that rebuild its blocks
     * @return a new model ready for inference on the default device; the caller closes it
     * @throws IOException if a file cannot be read
     * @throws MalformedModelException as {@link #load(Path, Block)}
     */
    public static Model load(Path directory, Block originalArchitecture, LayerRegistry layers)
            throws IOException, MalformedModelException {
        Objects.requireNonNull(layers, "layers");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(originalArchitecture, "originalArchitecture");
        Path file = directory.resolve(CompactFormat.FILE);
        CompactFormat f = read(file);
        List<String> given = CompactFormat.blocks(originalArchitecture);
        if (!given.equals(f.blocks)) {
            throw new MalformedModelException(
                    "the architecture given to load is not the one "
                            + file
                            + " was saved from: "
                            + firstDifference(f.blocks, given));
        }
        Block rebuilt;
        DataType dataType;
        try {
            List<LayerWidth> widths = new ArrayList<>();
            for (CompactFormat.Layer l : f.layers) {
                widths.add(l.toWidth());
            }
            rebuilt = layers.rebuild(originalArchitecture, widths);
            dataType = DataType.valueOf(f.dataType);
        } catch (IllegalArgumentException | NullPointerException | CompactionException e) {
            // a hand-edited or truncated description: widths below 1, a missing path or kind
            throw new MalformedModelException(file + ": " + e.getMessage(), e);
        }
        Path parameters = directory.resolve(f.parameterFile);
        if (!Files.isRegularFile(parameters)) {
            throw new IOException(
                    file + " names the parameter file " + f.parameterFile + ", which is missing");
        }
        Shape[] shapes = f.inputShapes.stream().map(Shape::new).toArray(Shape[]::new);
        Model model = Model.newInstance(f.modelName);
        try {
            model.setBlock(rebuilt);
            // Initializing first gives every parameter the shape the widths imply, so a parameter
            // file that does not fit is caught by name below instead of at the first forward pass.
            Compaction.initialize(rebuilt, model, dataType, shapes);
            Map<String, NDArray> initial = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : rebuilt.getParameters()) {
                initial.put(p.getKey(), p.getValue().getArray());
            }
            model.load(
                    directory, f.modelName, Map.of("epoch", Integer.toString(CompactFormat.EPOCH)));
            long count = replaceInitialArrays(rebuilt, initial, parameters);
            if (count != f.parameters) {
                throw new MalformedModelException(
                        parameters
                                + " holds "
                                + count
                                + " parameter values but "
                                + file
                                + " records "
                                + f.parameters);
            }
            LOG.info("loaded compact model ({} parameters) from {}", count, directory);
            return model;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Checks that every loaded array has the shape initialization gave its parameter and closes the
     * arrays initialization made, which the loaded ones replaced.
     *
     * @return the number of parameter values loaded
     */
    private static long replaceInitialArrays(
            Block block, Map<String, NDArray> initial, Path parameters)
            throws MalformedModelException {
        long count = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray loaded = p.getValue().getArray();
            NDArray before = initial.get(p.getKey());
            if (!loaded.getShape().equals(before.getShape())) {
                throw new MalformedModelException(
                        parameters
                                + ": parameter "
                                + p.getKey()
                                + " has shape "
                                + loaded.getShape()
                                + " but the widths in "
                                + CompactFormat.FILE
                                + " give it "
                                + before.getShape());
            }
            if (loaded != before) {
                before.close();
            }
            count += loaded.size();
        }
        return count;
    }

    private static String firstDifference(List<String> saved, List<String> given) {
        int n = Math.min(saved.size(), given.size());
        for (int i = 0; i < n; i++) {
            if (!saved.get(i).equals(given.get(i))) {
                return "block "
                        + (i + 1)
                        + " was "
                        + saved.get(i)
                        + " but is "
                        + given.get(i)
                        + " (entries are path:class)";
            }
        }
        return "the saved tree has " + saved.size() + " blocks, the given one " + given.size();
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
                new String[] {
                    "modelName", "parameterFile", "dataType", "inputShapes", "blocks", "layers"
                }) {
            if (missing(f, field)) {
                throw new MalformedModelException(file + " lacks the field '" + field + "'");
            }
        }
        return f;
    }

    private static boolean missing(CompactFormat f, String field) {
        return switch (field) {
            case "modelName" -> f.modelName == null;
            case "parameterFile" -> f.parameterFile == null;
            case "dataType" -> f.dataType == null;
            case "inputShapes" -> f.inputShapes == null || f.inputShapes.isEmpty();
            case "blocks" -> f.blocks == null;
            default -> f.layers == null;
        };
    }
}
