package ai.hesso.djl.compact;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.hesso.djl.discovery.DiscoveryContext;
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
import java.util.Arrays;
import java.util.HashMap;
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
     * <p>The given architecture is checked against {@code compact.json} before anything is loaded:
     * block for block (path and class), then every linear and convolution layer's width and groups
     * against those the model had before compaction, and, once the compact block is built, the
     * shapes of its outputs for the saved input shapes against the given architecture's.
     *
     * @param directory the directory {@link CompactModel#save} wrote
     * @param originalArchitecture a new, uninitialized instance of the architecture the model was
     *     compacted from; it is only read, the returned model holds new blocks
     * @return a new model ready for inference (or further training) on the default device; the
     *     caller closes it
     * @throws IOException if a file cannot be read
     * @throws MalformedModelException if {@code compact.json} is not a version 1 description, the
     *     architecture does not match it (a differing block, a layer of another width or groups,
     *     other output shapes: the message names the block path and both values), or the parameter
     *     file does not fit the widths it gives
     * @throws IllegalArgumentException if the architecture is already initialized (a trained
     *     model's block rather than a new instance), naming the block and parameter
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
        requireNew(originalArchitecture);
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
        checkWidths(file, f.layers, layers.configuredWidths(originalArchitecture));
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
            checkOutputShapes(file, originalArchitecture, rebuilt, shapes);
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

    /**
     * Refuses an architecture with an initialized parameter: load builds new blocks from the
     * architecture's settings and would silently ignore its values, so it is most likely a trained
     * model's block passed where the factory's new instance belongs.
     */
    private static void requireNew(Block architecture) {
        String initialized = firstInitialized(architecture, "");
        if (initialized != null) {
            throw new IllegalArgumentException(
                    "the architecture given to load must be a new, uninitialized instance (the"
                            + " factory call that built the original model), but "
                            + initialized
                            + " is initialized; load builds new blocks and would not use its"
                            + " values: pass a fresh instance, not a model's getBlock()");
        }
    }

    /** Names the first block with an initialized parameter, or returns null when there is none. */
    private static String firstInitialized(Block block, String path) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            if (p.getValue().isInitialized()) {
                return "block "
                        + DiscoveryContext.displayPath(path)
                        + " ("
                        + block.getClass().getName()
                        + ", parameter "
                        + DiscoveryContext.paramPath(path, p.getKey())
                        + ")";
            }
        }
        for (Pair<String, Block> child : block.getChildren()) {
            String found =
                    firstInitialized(
                            child.getValue(), DiscoveryContext.paramPath(path, child.getKey()));
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /**
     * Checks every linear and convolution layer of the given architecture against the width and
     * groups it had before compaction; a description without them (written before they were
     * recorded) is checked only for a given layer narrower than the compact one.
     */
    private static void checkWidths(
            Path file, List<CompactFormat.Layer> layers, List<LayerWidth> configured)
            throws MalformedModelException {
        Map<String, LayerWidth> given = new HashMap<>();
        configured.forEach(w -> given.put(w.path(), w));
        for (CompactFormat.Layer saved : layers) {
            LayerWidth mine = saved.path == null ? null : given.get(saved.path);
            if (mine == null) {
                // a layer the fingerprint matched but we do not rebuild: the rebuild names it
                continue;
            }
            String unit = "Linear".equals(mine.kind()) ? "units" : "filters";
            String layer =
                    "block "
                            + DiscoveryContext.displayPath(saved.path)
                            + " ("
                            + mine.kind()
                            + ") of the given architecture has "
                            + mine.width()
                            + " "
                            + unit;
            if (saved.originalWidth > 0 && mine.width() != saved.originalWidth) {
                throw new MalformedModelException(
                        layer
                                + ", but "
                                + file
                                + " records that the saved model was compacted from "
                                + saved.originalWidth
                                + " (kept "
                                + saved.width
                                + "): pass the architecture the model was compacted from");
            }
            if (saved.originalGroups > 0 && mine.groups() != saved.originalGroups) {
                throw new MalformedModelException(
                        "block "
                                + DiscoveryContext.displayPath(saved.path)
                                + " ("
                                + mine.kind()
                                + ") of the given architecture has groups="
                                + mine.groups()
                                + ", but "
                                + file
                                + " records groups="
                                + saved.originalGroups
                                + " before compaction");
            }
            if (saved.originalWidth == 0 && mine.width() < saved.width) {
                throw new MalformedModelException(
                        layer
                                + ", but "
                                + file
                                + " keeps "
                                + saved.width
                                + " of them; a compacted layer is never wider than its original");
            }
        }
    }

    /**
     * Checks that the given architecture and the compact block built from it give outputs of the
     * same shapes for the saved input shapes (compaction never changes a model's outputs).
     */
    private static void checkOutputShapes(
            Path file, Block architecture, Block rebuilt, Shape[] shapes)
            throws MalformedModelException {
        Shape[] expected;
        try {
            expected = architecture.getOutputShapes(shapes);
        } catch (RuntimeException e) {
            throw new MalformedModelException(
                    "the architecture given to load cannot compute its outputs for the input"
                            + " shapes "
                            + Arrays.toString(shapes)
                            + " in "
                            + file
                            + ": "
                            + e.getMessage(),
                    e);
        }
        Shape[] actual = rebuilt.getOutputShapes(shapes);
        if (!Arrays.equals(expected, actual)) {
            throw new MalformedModelException(
                    "the architecture given to load outputs "
                            + Arrays.toString(expected)
                            + " for the input shapes "
                            + Arrays.toString(shapes)
                            + " in "
                            + file
                            + ", the saved model "
                            + Arrays.toString(actual)
                            + ": it is not the architecture the model was compacted from");
        }
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
