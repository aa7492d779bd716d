package ai.hesso.djl.checkpoint;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.hesso.djl.HessoOptimizer;
import ai.hesso.djl.engine.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves and resumes a whole HESSO run in a directory, with DJL's naming: the model's parameters in
 * {@code <name>-<epoch>.params} (DJL's {@code Model.save}, as {@code SaveModelTrainingListener}
 * writes them) and the optimizer's state beside them in {@code <name>-<epoch>.hesso}, the epoch
 * written with four digits ({@code mlp-0003.params}, {@code mlp-0003.hesso}).
 *
 * <p>Both files are written to a temporary name and renamed in one atomic step, the model file
 * first; the HESSO file records the model file's SHA-256, so a resume finds out whether the two
 * belong together and whether either is damaged. {@link #resume} picks the latest epoch whose two
 * files are whole and falls back to the one before when the latest is not.
 *
 * <p>Resuming in {@code EasyTrain} is one call before the trainer is created:
 *
 * <pre>{@code
 * model.setBlock(block);
 * HessoOptimizer hesso = Hesso.adam()...build();           // the same settings as the saved run
 * int done = HessoCheckpoints.resume(model, hesso, dir);    // loads mlp-000N.params and .hesso
 * Trainer trainer = model.newTrainer(config);               // config with hesso and the listeners
 * trainer.initialize(inputShape);                           // keeps the loaded parameters
 * EasyTrain.fit(trainer, epochs - done, trainData, validateData);
 * }</pre>
 */
public final class HessoCheckpoints {

    private static final Logger logger = LoggerFactory.getLogger(HessoCheckpoints.class);

    /** The suffix of the HESSO state files. */
    public static final String SUFFIX = ".hesso";

    private HessoCheckpoints() {}

    /**
     * Returns the file name of an epoch's HESSO state.
     *
     * @param name the model name
     * @param epoch the epoch
     * @return e.g. {@code mlp-0003.hesso}
     */
    public static String fileName(String name, int epoch) {
        return String.format(Locale.ROOT, "%s-%04d%s", name, epoch, SUFFIX);
    }

    private static String modelFileName(String name, int epoch) {
        return String.format(Locale.ROOT, "%s-%04d.params", name, epoch);
    }

    /**
     * Saves the model's parameters and the optimizer's state for an epoch, each atomically. Call it
     * between two steps.
     *
     * @param model the model being trained
     * @param optimizer its HESSO optimizer
     * @param directory the checkpoint directory, created if missing
     * @param epoch the epoch that just ended, at least 1
     * @return the HESSO file written
     * @throws IOException if a file cannot be written (a previous checkpoint stays whole)
     */
    public static Path save(Model model, HessoOptimizer optimizer, Path directory, int epoch)
            throws IOException {
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be >= 1, got " + epoch);
        }
        HessoCheckpoint state = optimizer.checkpoint();
        String name = model.getName();
        Files.createDirectories(directory);
        Path modelFile = directory.resolve(modelFileName(name, epoch));
        Path temp = Files.createTempDirectory(directory, ".hesso-model-");
        try {
            // DJL's own file, written where a crash cannot leave half of it under the real name
            model.setProperty("Epoch", String.valueOf(epoch));
            model.save(temp, name);
            AtomicFiles.replace(temp.resolve(modelFileName(name, epoch)), modelFile);
        } finally {
            deleteTree(temp);
        }
        HessoCheckpoint.ModelFile saved =
                new HessoCheckpoint.ModelFile(
                        modelFile.getFileName().toString(), CheckpointFile.sha256(modelFile));
        Path file = directory.resolve(fileName(name, epoch));
        state.withEpoch(epoch, saved).write(file);
        logger.info("HESSO: saved epoch {} at step {} to {}", epoch, state.step(), file);
        return file;
    }

    /**
     * Returns the epochs that have a HESSO state file in a directory, latest first.
     *
     * @param directory the checkpoint directory
     * @param name the model name
     * @return the epochs, descending; empty when there are none
     * @throws IOException if the directory cannot be listed
     */
    public static List<Integer> epochs(Path directory, String name) throws IOException {
        List<Integer> epochs = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return epochs;
        }
        Pattern pattern =
                Pattern.compile(Pattern.quote(name) + "-(\\d{4,})" + Pattern.quote(SUFFIX));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                Matcher matcher = pattern.matcher(file.getFileName().toString());
                if (matcher.matches()) {
                    epochs.add(Integer.parseInt(matcher.group(1)));
                }
            }
        }
        epochs.sort(Comparator.reverseOrder());
        return epochs;
    }

    /**
     * Reads an epoch's HESSO state and checks the model parameter file saved with it.
     *
     * @param directory the checkpoint directory
     * @param name the model name
     * @param epoch the epoch
     * @return the verified checkpoint
     * @throws IOException naming the file that is missing, truncated, corrupted or does not belong
     */
    public static HessoCheckpoint read(Path directory, String name, int epoch) throws IOException {
        HessoCheckpoint checkpoint = HessoCheckpoint.read(directory.resolve(fileName(name, epoch)));
        HessoCheckpoint.ModelFile model = checkpoint.modelParameters();
        if (model != null) {
            Path modelFile = directory.resolve(model.file());
            if (!Files.exists(modelFile)) {
                throw new IOException(
                        checkpoint.describe()
                                + " was saved with "
                                + modelFile
                                + ", which is missing");
            }
            String sha256 = CheckpointFile.sha256(modelFile);
            if (!sha256.equals(model.sha256())) {
                throw new IOException(
                        "model file "
                                + modelFile
                                + " is not the one saved with "
                                + checkpoint.describe()
                                + ": its SHA-256 is "
                                + sha256
                                + ", the checkpoint expects "
                                + model.sha256()
                                + " (truncated, corrupted or overwritten)");
            }
        }
        return checkpoint;
    }

    /**
     * Continues the latest whole checkpoint of a directory: loads the model's parameters into its
     * block and hands the HESSO state to the optimizer. Call it before creating the trainer (whose
     * {@code initialize} keeps loaded parameters). A latest checkpoint that is damaged is logged
     * and the one before it is used.
     *
     * @param model the model, with its block set (the block of the saved run, not initialized)
     * @param optimizer a new optimizer with the saved run's settings, built for that block
     * @param directory the checkpoint directory
     * @return the epoch resumed from, or 0 when the directory holds no checkpoint of the model
     * @throws IOException if checkpoints exist but none is whole, naming each file and why
     * @throws MalformedModelException if DJL cannot read the model file
     */
    public static int resume(Model model, HessoOptimizer optimizer, Path directory)
            throws IOException, MalformedModelException {
        String name = model.getName();
        List<String> failures = new ArrayList<>();
        for (int epoch : epochs(directory, name)) {
            HessoCheckpoint checkpoint;
            try {
                checkpoint = read(directory, name, epoch);
            } catch (IOException e) {
                logger.warn("HESSO: cannot resume from epoch {}: {}", epoch, e.getMessage());
                failures.add(e.getMessage());
                continue;
            }
            model.load(directory, name, Map.of("epoch", String.valueOf(epoch)));
            optimizer.resume(checkpoint);
            logger.info(
                    "HESSO: resuming {} from epoch {} (step {})", name, epoch, checkpoint.step());
            return epoch;
        }
        if (!failures.isEmpty()) {
            throw new IOException(
                    "no whole checkpoint of "
                            + name
                            + " in "
                            + directory
                            + ": "
                            + String.join("; ", failures));
        }
        return 0;
    }

    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(directory);
    }
}
