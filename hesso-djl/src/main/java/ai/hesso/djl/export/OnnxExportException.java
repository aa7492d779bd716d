package ai.hesso.djl.export;

/**
 * Thrown when a block cannot be written as ONNX: a block type with no export, a lambda or join that
 * matches no known function, a block that is not initialized, or a setting ONNX cannot express. The
 * message names the block path and class and what was tried; no {@code .onnx} file is left behind.
 */
public class OnnxExportException extends RuntimeException {

    /** The serialization version. */
    private static final long serialVersionUID = 1L;

    /** The path of the block that could not be exported. */
    private final String blockPath;

    /**
     * Creates the exception.
     *
     * @param blockPath the block path, empty for the root
     * @param message the full message
     */
    public OnnxExportException(String blockPath, String message) {
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
    public OnnxExportException(String blockPath, String message, Throwable cause) {
        super(message, cause);
        this.blockPath = blockPath;
    }

    /**
     * Returns the path of the block that could not be exported.
     *
     * @return the block path, empty for the root
     */
    public String blockPath() {
        return blockPath;
    }
}
