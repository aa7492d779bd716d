package ai.hesso.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * The versions the examples were built with, from the resource {@code hesso-version.properties}
 * that Maven fills in at build time: the project, DJL, PyTorch and the PyTorch native artifact
 * ({@code pytorch-native-cpu}, or {@code pytorch-native-cu121} with the {@code cuda} profile).
 *
 * @param hesso the project version
 * @param djl the DJL version
 * @param pytorch the PyTorch native library version
 * @param pytorchNative the Maven artifact of the PyTorch native library
 */
public record VersionInfo(String hesso, String djl, String pytorch, String pytorchNative) {

    private static final String RESOURCE = "hesso-version.properties";

    /**
     * Loads the versions the examples jar was built with.
     *
     * @return the build-time versions
     * @throws IllegalStateException if the resource is missing (a build without resource filtering)
     */
    public static VersionInfo load() {
        Properties p = new Properties();
        try (InputStream in = VersionInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        "resource ai/hesso/examples/"
                                + RESOURCE
                                + " is missing from the class path");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new VersionInfo(
                p.getProperty("hesso.version"),
                p.getProperty("djl.version"),
                p.getProperty("pytorch.version"),
                p.getProperty("pytorch.native"));
    }

    /** Feeds {@code hesso --version}: one line per component. */
    public static final class Provider implements CommandLine.IVersionProvider {

        /** Creates the provider (picocli instantiates it). */
        public Provider() {}

        /** {@inheritDoc} */
        @Override
        public String[] getVersion() {
            VersionInfo v = load();
            return new String[] {
                "hesso " + v.hesso(),
                "DJL " + v.djl(),
                "PyTorch " + v.pytorch() + " (" + v.pytorchNative() + ")",
                "Java "
                        + System.getProperty("java.version")
                        + " ("
                        + System.getProperty("java.vendor")
                        + ")"
            };
        }
    }
}
