package ai.hesso.examples;

import ai.hesso.examples.data.FashionMnist;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --data DIR} option shared by the subcommands that read Fashion-MNIST; add it to a
 * command with {@code @Mixin DataDirOption data;}.
 */
public final class DataDirOption {

    @Option(
            names = "--data",
            paramLabel = "DIR",
            defaultValue = FashionMnist.DEFAULT_DIRECTORY,
            description = "Fashion-MNIST IDX directory (default: ${DEFAULT-VALUE}).")
    private Path directory;

    /** Creates the option holder (picocli instantiates it). */
    public DataDirOption() {}

    /**
     * Returns the data directory.
     *
     * @return the directory given with {@code --data}, or the Debian package's directory
     */
    public Path directory() {
        return directory;
    }
}
