package ai.hesso.djl.engine;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a finished file in place under its real name: checkpoints, saved models and ONNX files are
 * written beside their target first, so that a crash never leaves half a file under the real name.
 * Internal (this package is not exported).
 */
public final class AtomicFiles {

    private static final Logger logger = LoggerFactory.getLogger(AtomicFiles.class);

    private AtomicFiles() {}

    /**
     * Moves a written file onto its target, replacing it: in one atomic rename where the file
     * system allows it, else in two steps, with a warning that names the target.
     *
     * @param written the finished file, in the target's directory
     * @param target the real name
     * @throws IOException if the move fails
     */
    public static void replace(Path written, Path target) throws IOException {
        try {
            Files.move(
                    written,
                    target,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            logger.warn(
                    "the file system of {} cannot rename atomically; replacing it in two steps",
                    target);
            Files.move(written, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
