package ai.hesso.djl.checkpoint;

import ai.hesso.core.DriverState;
import ai.hesso.core.SettingsFingerprint;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.djl.engine.EngineState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@code HessoOptimizer} needs to continue a run exactly: the core's {@link
 * DriverState} (step, channel states, period or CRIC progress), the engine's {@link EngineState}
 * (momentum or Adam moments with their update counts, CRIC's snapshot, per parameter and device),
 * the non-finite step counts, and what the state must fit: the node groups and the settings. The
 * model's own parameters are not in it; DJL's {@code Model.save} writes them ({@link
 * HessoCheckpoints} does both).
 *
 * <p>Take one with {@code optimizer.checkpoint()} between two steps, write it with {@link
 * #write(Path)} (atomically, with a SHA-256 checksum), read it with {@link #read(Path)} and hand it
 * to a new optimizer with {@code optimizer.resume(checkpoint)} before its first step. The file
 * format is versioned ({@link #FORMAT_VERSION}) and described in {@code docs/checkpoint.md}.
 *
 * @param epoch the epoch label given by whoever saved it (0 when none)
 * @param settings the optimizer settings the state belongs to, as named values
 * @param nodeGroups the node groups the state belongs to
 * @param driver the core's state
 * @param skippedSteps the steps skipped for non-finite values so far
 * @param consecutiveSkips the steps skipped in a row at the end
 * @param engine the engine's state
 * @param modelParameters the model parameter file saved with this checkpoint, or null
 * @param source the file this checkpoint was read from, or null; named in error messages
 */
public record HessoCheckpoint(
        int epoch,
        SettingsFingerprint settings,
        List<NodeGroup> nodeGroups,
        DriverState driver,
        int skippedSteps,
        int consecutiveSkips,
        EngineState engine,
        ModelFile modelParameters,
        Path source) {

    /** The version of the file format this library writes and reads. */
    public static final int FORMAT_VERSION = 1;

    /**
     * Validates and copies.
     *
     * @param epoch at least 0
     * @param settings not null
     * @param nodeGroups not null
     * @param driver not null
     * @param skippedSteps at least 0
     * @param consecutiveSkips at least 0
     * @param engine not null
     * @param modelParameters the model file, or null
     * @param source the file, or null
     */
    public HessoCheckpoint {
        Objects.requireNonNull(settings, "settings");
        nodeGroups = List.copyOf(nodeGroups);
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(engine, "engine");
        if (epoch < 0 || skippedSteps < 0 || consecutiveSkips < 0) {
            throw new IllegalArgumentException(
                    "epoch, skippedSteps and consecutiveSkips must be >= 0, got "
                            + epoch
                            + ", "
                            + skippedSteps
                            + " and "
                            + consecutiveSkips);
        }
    }

    /**
     * The model parameter file saved with a checkpoint, and its checksum.
     *
     * @param file the file name, in the checkpoint's directory
     * @param sha256 the SHA-256 of its bytes, in lower-case hex
     */
    public record ModelFile(String file, String sha256) {

        /**
         * Validates.
         *
         * @param file not null
         * @param sha256 not null
         */
        public ModelFile {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    /**
     * Returns the number of steps the saved run had taken.
     *
     * @return the step
     */
    public int step() {
        return driver.step();
    }

    /**
     * Returns this checkpoint with an epoch label and the model parameter file saved with it.
     *
     * @param newEpoch the epoch, at least 0
     * @param model the model file, or null
     * @return a copy
     */
    public HessoCheckpoint withEpoch(int newEpoch, ModelFile model) {
        return new HessoCheckpoint(
                newEpoch,
                settings,
                nodeGroups,
                driver,
                skippedSteps,
                consecutiveSkips,
                engine,
                model,
                source);
    }

    /**
     * Names this checkpoint in messages: its file, or "the in-memory checkpoint".
     *
     * @return the name
     */
    public String describe() {
        return source == null ? "the in-memory checkpoint" : "checkpoint " + source;
    }

    /**
     * Checks that this state continues a run with these settings.
     *
     * @param current the settings of the optimizer that would continue the run
     * @throws IllegalArgumentException naming every difference
     */
    public void checkSettings(SettingsFingerprint current) {
        List<String> differences = settings.differences(current);
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException(
                    describe()
                            + " was written by an optimizer with other settings; resume with the"
                            + " saved ones: "
                            + String.join("; ", differences));
        }
    }

    /**
     * Checks that this state belongs to these node groups.
     *
     * @param groups the node groups of the model that would continue the run
     * @throws IllegalArgumentException naming the first group that differs
     */
    public void checkNodeGroups(List<NodeGroup> groups) {
        if (groups.size() != nodeGroups.size()) {
            throw new IllegalArgumentException(
                    describe()
                            + " holds "
                            + nodeGroups.size()
                            + " node groups, the model has "
                            + groups.size()
                            + ": saved "
                            + names(nodeGroups)
                            + ", now "
                            + names(groups));
        }
        for (int i = 0; i < groups.size(); i++) {
            NodeGroup saved = nodeGroups.get(i);
            NodeGroup now = groups.get(i);
            if (!saved.equals(now)) {
                throw new IllegalArgumentException(
                        describe()
                                + " does not fit the model's node group "
                                + i
                                + ": saved "
                                + saved
                                + ", now "
                                + now);
            }
        }
    }

    private static List<String> names(List<NodeGroup> groups) {
        return groups.stream().map(g -> g.name() + "(" + g.channels() + ")").toList();
    }

    /**
     * Writes this checkpoint to a file: to a temporary file in the same directory first, then
     * renamed over {@code file} in one atomic step, so a crash leaves the previous file whole.
     *
     * @param file the target, e.g. {@code dir/mlp-0003.hesso}
     * @throws IOException if writing fails (the previous file is then untouched)
     */
    public void write(Path file) throws IOException {
        CheckpointFile.write(file, CheckpointCodec.encode(this));
    }

    /**
     * Reads and verifies a checkpoint file: its header, its SHA-256 checksum and its format
     * version.
     *
     * @param file the file
     * @return the checkpoint, its {@link #source()} set to {@code file}
     * @throws IOException naming the file if it is missing, truncated, corrupted, not a HESSO
     *     checkpoint, or of another format version
     */
    public static HessoCheckpoint read(Path file) throws IOException {
        CheckpointFile.Contents contents = CheckpointFile.read(file);
        return CheckpointCodec.decode(contents, file);
    }
}
