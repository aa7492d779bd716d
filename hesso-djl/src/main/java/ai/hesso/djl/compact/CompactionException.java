package ai.hesso.djl.compact;

/**
 * Thrown when compaction cannot rebuild a block: a layer type it does not know, a layer setting it
 * cannot read, or a rebuilt parameter that does not line up with the original. The message names
 * the block path and class; nothing is left half-built.
 */
public class CompactionException extends RuntimeException {

    /** The serialization version. */
    private static final long serialVersionUID = 1L;

    /** The path of the block that could not be rebuilt. */
    private final String blockPath;

    /**
     * Creates the exception.
     *
     * @param blockPath the block path, empty for the root
     * @param message the full message
     */
    public CompactionException(String blockPath, String message) {
        super(message);
        this.blockPath = blockPath;
    }

    /**
     * Creates the exception with a cause.
     *
     * @param blockPath the block path, empty for the root
     * @param message the full message
     * @param cause what failed underneath
     */
    public CompactionException(String blockPath, String message, Throwable cause) {
        super(message, cause);
        this.blockPath = blockPath;
    }

    /**
     * Returns the path of the block that could not be rebuilt.
     *
     * @return the block path, empty for the root
     */
    public String blockPath() {
        return blockPath;
    }
}
