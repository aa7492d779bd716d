package ai.hesso.examples;

import ai.djl.engine.Engine;
import ai.djl.training.dataset.Dataset;
import ai.hesso.examples.data.FashionMnist;
import ai.hesso.examples.data.MissingDataException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code hesso info}: starts the PyTorch engine and reports its version, the devices it sees and
 * whether the Fashion-MNIST files are present. A quick check that the natives load offline.
 */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description = "Start the PyTorch engine and report versions, devices and data.")
public final class InfoCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Mixin private DataDirOption data;

    /** Creates the command (picocli instantiates it). */
    public InfoCommand() {}

    /**
     * Prints the report.
     *
     * @return 0 when the engine started (missing data is reported, not an error)
     */
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        VersionInfo v = VersionInfo.load();
        out.printf(
                "hesso %s, built with DJL %s and PyTorch %s (%s)%n",
                v.hesso(), v.djl(), v.pytorch(), v.pytorchNative());
        Engine engine = Engine.getEngine("PyTorch");
        out.printf(
                "engine: %s %s (DJL %s)%n",
                engine.getEngineName(), engine.getVersion(), Engine.getDjlVersion());
        out.printf("default device: %s, GPUs: %d%n", engine.defaultDevice(), engine.getGpuCount());
        NumericEnvironment numerics = NumericEnvironment.current();
        out.println(
                numerics.describe()
                        + (numerics.isReference()
                                ? " (the documented numbers' environment)"
                                : " (documented numbers: "
                                        + NumericEnvironment.REFERENCE.describe()
                                        + ")"));
        for (Dataset.Usage usage : new Dataset.Usage[] {Dataset.Usage.TRAIN, Dataset.Usage.TEST}) {
            try {
                FashionMnist.requireFiles(data.directory(), usage);
                out.printf(
                        "Fashion-MNIST %s: %s%n",
                        usage, FashionMnist.imagesFile(data.directory(), usage));
            } catch (MissingDataException e) {
                out.printf("Fashion-MNIST %s: missing (%s)%n", usage, e.getMessage());
            }
        }
        out.flush();
        return 0;
    }
}
