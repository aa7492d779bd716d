package ai.hesso.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;

/**
 * Turns every failure of a {@code hesso} command into one line on standard error: {@code hesso
 * <command>: <what went wrong>}. Usage errors exit with 2, everything else with 1. A stack trace is
 * printed only when the environment variable {@code HESSO_DEBUG} is set, for bug reports.
 */
final class CliFailures
        implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    /** The environment variable that asks for stack traces. */
    static final String DEBUG_VARIABLE = "HESSO_DEBUG";

    private final boolean debug;

    CliFailures(boolean debug) {
        this.debug = debug;
    }

    /** Handles a failure while a command runs: one line, exit code 1. */
    @Override
    public int handleExecutionException(
            Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        err.println(prefix(commandLine) + describe(e));
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return CommandLine.ExitCode.SOFTWARE;
    }

    /** Handles a bad command line: one line naming the problem and where help is, exit code 2. */
    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println(
                prefix(commandLine)
                        + e.getMessage()
                        + " (see '"
                        + commandLine.getCommandSpec().qualifiedName()
                        + " --help')");
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }

    private static String prefix(CommandLine commandLine) {
        return commandLine.getCommandSpec().qualifiedName() + ": ";
    }

    /**
     * Says what went wrong in words: a file problem names the file and the reason, an expected
     * failure (bad setting, missing data) keeps its own message, anything else names its type.
     *
     * @param e the failure
     * @return one line
     */
    static String describe(Throwable e) {
        if (e instanceof UncheckedIOException) {
            // thrown with a message that already says what was being done ("cannot read X: why")
            return e.getMessage() != null ? e.getMessage() : describe(e.getCause());
        }
        if (e instanceof NoSuchFileException f) {
            return f.getFile() + ": no such file or directory";
        }
        if (e instanceof AccessDeniedException f) {
            return f.getFile() + ": permission denied";
        }
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + ": already exists";
        }
        if (e instanceof NotDirectoryException f) {
            return f.getFile() + ": not a directory";
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof IOException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException
                || message.startsWith("hesso")) {
            return message.isEmpty() ? e.getClass().getSimpleName() : message;
        }
        return e.getClass().getSimpleName()
                + (message.isEmpty() ? "" : ": " + message)
                + " (set "
                + DEBUG_VARIABLE
                + "=1 for the stack trace)";
    }
}
