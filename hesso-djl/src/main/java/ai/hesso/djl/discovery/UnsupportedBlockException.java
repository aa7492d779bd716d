package ai.hesso.djl.discovery;

/**
 * Thrown by a strict {@link GroupDiscovery} when it meets a block no handler can prove safe.
 *
 * <p>The message names the block's path, its class and what was not proven.
 */
public class UnsupportedBlockException extends RuntimeException {

    /** The serialization version. */
    private static final long serialVersionUID = 1L;

    /** The path of the unsupported block. */
    private final String blockPath;

    /**
     * Creates the exception.
     *
     * @param blockPath the path of the block, e.g. {@code 02SequentialBlock_01MyBlock}
     * @param message the full message
     */
    public UnsupportedBlockException(String blockPath, String message) {
        super(message);
        this.blockPath = blockPath;
    }

    /**
     * Returns the path of the unsupported block.
     *
     * @return the block path
     */
    public String blockPath() {
        return blockPath;
    }
}
