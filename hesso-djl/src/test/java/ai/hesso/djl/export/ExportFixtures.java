package ai.hesso.djl.export;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/** Models, seeded values, removals and inputs for the export tests. */
public final class ExportFixtures {

    /** Fashion-MNIST's test images, installed by the Debian package dataset-fashion-mnist. */
    public static final Path FASHION_TEST_IMAGES =
            Path.of("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");

    private ExportFixtures() {}

    /**
     * Every other channel (1, 3, 5, ...) of every prunable group with at least two channels.
     *
     * @param report the discovery report
     * @return group name to removed channels
     */
    public static Map<String, int[]> everyOtherChannel(DiscoveryReport report) {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (DiscoveredGroup g : report.prunableGroups()) {
            int n = g.group().channels();
            if (n < 2) {
                continue;
            }
            int[] removed = new int[n / 2];
            for (int i = 0; i < removed.length; i++) {
                removed[i] = 2 * i + 1;
            }
            out.put(g.name(), removed);
        }
        return out;
    }

    /**
     * Seeded Gaussian values.
     *
     * @param shape their shape
     * @param seed the seed
     * @return the values, row-major
     */
    public static float[] gaussian(Shape shape, long seed) {
        Random random = new Random(seed);
        float[] data = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return data;
    }

    /**
     * The block's inference outputs.
     *
     * @param block the block
     * @param manager a manager for the input
     * @param data the input values
     * @param shape their shape
     * @return the first output, row-major
     */
    public static float[] forward(Block block, NDManager manager, float[] data, Shape shape) {
        try (NDManager sub = manager.newSubManager()) {
            NDArray x = sub.create(data, shape);
            NDList out = block.forward(new ParameterStore(sub, false), new NDList(x), false);
            return out.head().toFloatArray();
        }
    }

    /**
     * The first {@code count} Fashion-MNIST test images as {@code (count, 1, 28, 28)} values in [0,
     * 1].
     *
     * @param count how many, at most 10000
     * @return the values
     * @throws IOException if the file cannot be read
     */
    public static float[] fashionImages(int count) throws IOException {
        try (InputStream raw = Files.newInputStream(FASHION_TEST_IMAGES);
                DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            if (in.readInt() != 2051) {
                throw new IOException("not an idx3 image file: " + FASHION_TEST_IMAGES);
            }
            in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            byte[] bytes = new byte[count * rows * cols];
            in.readFully(bytes);
            float[] out = new float[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                out[i] = (bytes[i] & 0xff) / 255f;
            }
            return out;
        }
    }

    /**
     * DJL's bottleneck residual units ({@code ResNetV1.residualUnit}: 1x1, 3x3, 1x1 convolutions
     * with batch norms, a 1x1-conv shortcut where the width or stride changes, {@code relu(a + b)})
     * in a small network: {@code Conv(8) BN relu}, a unit of 16 with a conv shortcut, one with an
     * identity shortcut, a strided one of 24, global average pool, flatten, {@code Linear(4)}.
     *
     * @return the model
     */
    public static SequentialBlock bottleneck() {
        return new SequentialBlock()
                .add(conv2d(8, 3, 1))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(ResNetV1.residualUnit(16, new Shape(1, 1), false, true, 0.9f))
                .add(ResNetV1.residualUnit(16, new Shape(1, 1), true, true, 0.9f))
                .add(ResNetV1.residualUnit(24, new Shape(2, 2), false, true, 0.9f))
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(4).build());
    }

    /**
     * {@code Conv1d(4, k3, stride 2) relu Conv1d(5, k3, pad 1, no bias) BN relu avgPool1d(2)
     * flatten Linear(2)}.
     *
     * @return the model
     */
    public static SequentialBlock conv1d() {
        return new SequentialBlock()
                .add(
                        Conv1d.builder()
                                .setFilters(4)
                                .setKernelShape(new Shape(3))
                                .optStride(new Shape(2))
                                .build())
                .add(Activation.reluBlock())
                .add(
                        Conv1d.builder()
                                .setFilters(5)
                                .setKernelShape(new Shape(3))
                                .optPadding(new Shape(1))
                                .optBias(false)
                                .build())
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(Pool.avgPool1dBlock(new Shape(2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(2).build());
    }

    private static Conv2d conv2d(int filters, int kernel, int groups) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .optGroups(groups)
                .build();
    }
}
