package ai.hesso.examples.data;

/**
 * A dataset file is not where it was looked for. The message is one line that names the file and
 * says how to get it, fit to print to a user as is.
 */
public class MissingDataException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message one line naming the missing file and how to install it
     */
    public MissingDataException(String message) {
        super(message);
    }
}
