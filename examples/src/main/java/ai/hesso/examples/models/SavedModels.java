package ai.hesso.examples.models;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Saves and loads the full-size (zeroed) parameters of a {@linkplain BuiltinModels built-in model}
 * in DJL's own format: {@code DIR/NAME-0000.params}, written by {@code Model.save}. The
 * architecture is not stored; loading builds it again from the registry by name. {@code hesso demo}
 * saves its trained model this way and {@code hesso compact} reads it.
 */
public final class SavedModels {

    /**
     * The epoch number written into the file name. DJL numbers a save one past the newest file
     * already in the directory; a fixed number makes a second run replace the first run's file
     * instead of leaving it beside the new one.
     */
    public static final int EPOCH = 0;

    private SavedModels() {}

    /**
     * Saves a model's parameters as {@code directory/name-0000.params}, replacing that file.
     *
     * @param model the model, its block initialized
     * @param directory the directory, created when missing
     * @param name the file name prefix, by convention the built-in model's name
     * @return the file written
     * @throws IOException if writing fails
     */
    public static Path save(Model model, Path directory, String name) throws IOException {
        Objects.requireNonNull(model, "model");
        Files.createDirectories(directory);
        model.setProperty("Epoch", Integer.toString(EPOCH));
        model.save(directory, name);
        return file(directory, name);
    }

    /**
     * Returns the file {@link #save} writes.
     *
     * @param directory the directory
     * @param name the prefix
     * @return {@code directory/name-0000.params}
     */
    public static Path file(Path directory, String name) {
        return directory.resolve(String.format(Locale.ROOT, "%s-%04d.params", name, EPOCH));
    }

    /**
     * Builds a built-in model and loads the parameters {@link #save} wrote into it: {@code
     * directory/NAME-0000.params}, {@code NAME} being the model's name.
     *
     * @param directory the directory {@link #save} wrote
     * @param entry the built-in model the parameters belong to
     * @return a new model, block initialized for {@link BuiltinModels.BuiltinModel#inputShape()};
     *     the caller closes it
     * @throws FileNotFoundException if the directory or the parameter file is missing
     * @throws MalformedModelException if the file cannot be read as the parameters of this model (a
     *     parameter of another name or shape, a file that ends early)
     * @throws IOException if a file cannot be opened
     */
    public static Model load(Path directory, BuiltinModels.BuiltinModel entry)
            throws IOException, MalformedModelException {
        Objects.requireNonNull(entry, "entry");
        if (!Files.isDirectory(directory)) {
            throw new FileNotFoundException("no saved model: " + directory + " is not a directory");
        }
        Path file = file(directory, entry.name());
        if (!Files.isRegularFile(file)) {
            throw new FileNotFoundException(
                    "no saved model: "
                            + file
                            + " does not exist"
                            + (Files.exists(directory.resolve("compact.json"))
                                    ? " (the directory holds compact.json, a model that is"
                                            + " already compact)"
                                    : "")
                            + "; hesso demo saves its trained model as"
                            + " <save directory>/dense/fashion-cnn-0000.params");
        }
        Model model = Model.newInstance(entry.name());
        try {
            Block block = entry.build();
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, entry.inputShape());
            Map<String, Shape> expected = shapes(block);
            try {
                // this file, not DJL's default of the newest NAME-NNNN.params
                model.load(directory, entry.name(), Map.of("epoch", Integer.toString(EPOCH)));
            } catch (IOException | MalformedModelException | RuntimeException e) {
                // another model's file fails somewhere in DJL's decoder, with a message about bytes
                throw new MalformedModelException(
                        "cannot read "
                                + file
                                + " as the parameters of "
                                + entry.name()
                                + " (saved from another model?): "
                                + e.getMessage(),
                        e);
            }
            Map<String, Shape> loaded = shapes(block);
            for (Map.Entry<String, Shape> e : expected.entrySet()) {
                Shape got = loaded.get(e.getKey());
                if (!e.getValue().equals(got)) {
                    throw new MalformedModelException(
                            "the parameters in "
                                    + directory
                                    + " do not fit model "
                                    + entry.name()
                                    + ": "
                                    + e.getKey()
                                    + " has shape "
                                    + got
                                    + ", the model needs "
                                    + e.getValue());
                }
            }
            return model;
        } catch (MalformedModelException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static Map<String, Shape> shapes(Block block) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            shapes.put(p.getKey(), p.getValue().getArray().getShape());
        }
        return shapes;
    }
}
