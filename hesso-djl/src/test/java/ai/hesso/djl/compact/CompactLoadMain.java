package ai.hesso.djl.compact;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.hesso.fixtures.DiscoveryModels;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The program {@link CompactionSaveIT} starts in a fresh JVM: it loads a saved compact model with
 * one call to {@link CompactModels#load}, runs it in inference mode on the input the test wrote and
 * writes the outputs back. Knows nothing about how the model was pruned.
 *
 * <p>Arguments: the model directory, the architecture name ({@code resnet20} or {@code vgg}), the
 * input file and the output file. Both files hold a shape (rank, then each dimension as a long)
 * followed by the float values, as {@link #write} writes them.
 */
public final class CompactLoadMain {

    private CompactLoadMain() {}

    /**
     * Loads, runs and writes.
     *
     * @param args directory, architecture, input file, output file
     * @throws Exception if anything fails; the exit status is then non-zero
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException(
                    "usage: CompactLoadMain <model directory> <resnet20|vgg> <input> <output>");
        }
        try (Model model = CompactModels.load(Path.of(args[0]), architecture(args[1]));
                NDManager manager = NDManager.newBaseManager()) {
            NDArray x = read(manager, Path.of(args[2]));
            NDList y =
                    model.getBlock()
                            .forward(new ParameterStore(manager, false), new NDList(x), false);
            write(y.singletonOrThrow(), Path.of(args[3]));
        }
    }

    /**
     * Builds a fresh instance of a named architecture.
     *
     * @param name {@code resnet20} or {@code vgg}
     * @return the uninitialized block
     */
    static Block architecture(String name) {
        return switch (name) {
            case "resnet20" -> CompactFixtures.resnet20();
            case "vgg" -> DiscoveryModels.vgg();
            default ->
                    throw new IllegalArgumentException(
                            "unknown architecture '" + name + "'; known: resnet20, vgg");
        };
    }

    /**
     * Writes an array's shape and float values.
     *
     * @param array the array
     * @param file the file
     * @throws IOException if writing fails
     */
    static void write(NDArray array, Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            long[] shape = array.getShape().getShape();
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            for (float v : array.toFloatArray()) {
                out.writeFloat(v);
            }
        }
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @param manager the manager of the new array
     * @param file the file
     * @return the array
     * @throws IOException if reading fails
     */
    static NDArray read(NDManager manager, Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            long[] shape = new long[in.readInt()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = in.readLong();
            }
            Shape s = new Shape(shape);
            float[] data = new float[Math.toIntExact(s.size())];
            for (int i = 0; i < data.length; i++) {
                data[i] = in.readFloat();
            }
            return manager.create(data, s);
        }
    }
}
