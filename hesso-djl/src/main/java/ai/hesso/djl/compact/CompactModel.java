package ai.hesso.djl.compact;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.hesso.djl.layers.LayerWidth;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The result of {@link Compaction}: a DJL {@link Model} holding the compact block, ready for
 * inference, with what was removed and a {@link CompactionReport}. Closing it closes the model.
 */
public final class CompactModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CompactModel.class);

    private final Model model;
    private final ChannelSelection selection;
    private final List<LayerWidth> widths;
    private final List<LayerWidth> originalWidths;
    private final List<String> architecture;
    private final Shape[] inputShapes;
    private final CompactionReport report;

    CompactModel(
            Model model,
            ChannelSelection selection,
            List<LayerWidth> widths,
            List<LayerWidth> originalWidths,
            List<String> architecture,
            Shape[] inputShapes,
            CompactionReport report) {
        this.model = model;
        this.selection = selection;
        this.widths = List.copyOf(widths);
        this.originalWidths = List.copyOf(originalWidths);
        this.architecture = List.copyOf(architecture);
        this.inputShapes = inputShapes.clone();
        this.report = report;
    }

    /**
     * Returns the model; its block is the compact block, initialized.
     *
     * @return the model, owned by this object
     */
    public Model model() {
        return model;
    }

    /**
     * Returns the channels that were removed.
     *
     * @return the selection
     */
    public ChannelSelection selection() {
        return selection;
    }

    /**
     * Returns the input shapes the model was compacted with, batch axis first (what {@code
     * compact.json} records and ONNX export traces with).
     *
     * @return a copy of the shapes
     */
    public Shape[] inputShapes() {
        return inputShapes.clone();
    }

    /**
     * Returns the per-layer and total counts before and after.
     *
     * @return the report
     */
    public CompactionReport report() {
        return report;
    }

    /**
     * Saves the model into a directory: DJL's parameter file ({@code Model.save}, always named
     * {@code compact-0000.params}, so saving again overwrites it) and the architecture description
     * {@code compact.json} (see {@code docs/compaction.md}). {@link CompactModels#load} restores
     * it.
     *
     * @param directory the directory, created when missing
     * @throws IOException if writing fails
     */
    public void save(Path directory) throws IOException {
        Objects.requireNonNull(directory, "directory");
        Files.createDirectories(directory);
        // DJL numbers parameter files by epoch and would add compact-0001.params on a second
        // save; a fixed epoch keeps one file that compact.json names and load reads.
        model.setProperty("Epoch", Integer.toString(CompactFormat.EPOCH));
        model.save(directory, model.getName());
        CompactFormat f = new CompactFormat();
        f.format = CompactFormat.FORMAT;
        f.version = CompactFormat.VERSION;
        f.modelName = model.getName();
        f.parameterFile = CompactFormat.parameterFile(model.getName());
        f.dataType = model.getBlock().getParameters().valueAt(0).getArray().getDataType().name();
        f.inputShapes = new ArrayList<>();
        for (Shape s : inputShapes) {
            f.inputShapes.add(s.getShape());
        }
        // the tree load is given and rebuilds: the original architecture's, which differs from the
        // compact block's where a block was rebuilt as another class (an attention block that
        // lost heads)
        f.blocks = new ArrayList<>(architecture);
        List<CompactFormat.Layer> layers = new ArrayList<>();
        Map<String, LayerWidth> original = new HashMap<>();
        originalWidths.forEach(w -> original.put(w.path(), w));
        for (LayerWidth w : widths) {
            layers.add(new CompactFormat.Layer(w, original.get(w.path())));
        }
        f.layers = layers;
        f.removedChannels = CompactFormat.removed(selection);
        f.parameters = report.after().parameters();
        Gson gson = new GsonBuilder().setPrettyPrinting().create();
        try (Writer w =
                Files.newBufferedWriter(
                        directory.resolve(CompactFormat.FILE), StandardCharsets.UTF_8)) {
            gson.toJson(f, w);
        }
        LOG.info(
                "saved compact model ({} parameters, {} layers) to {}",
                f.parameters,
                layers.size(),
                directory);
    }

    /** Closes the model and frees its arrays. */
    @Override
    public void close() {
        model.close();
    }
}
