package ai.hesso.djl.export;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.fixtures.ParameterValues;
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
     * Initialises a block and overwrites every parameter with seeded values that keep deep models'
     * outputs of order one and make the batch-norm statistics matter (as the compaction tests do).
     *
     * @param block the block
     * @param manager its manager
     * @param input the input shape
     * @param seed the seed
     * @param <B> the block class
     * @return the block
     */
    public static <B extends Block> B init(B block, NDManager manager, Shape input, long seed) {
        block.initialize(manager, DataType.FLOAT32, input);
        Random random = new Random(seed);
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray arr = p.getValue().getArray();
            float[] data = new float[Math.toIntExact(arr.size())];
            String key = p.getKey();
            Shape shape = arr.getShape();
            double std = shape.dimension() >= 2 ? 1 / Math.sqrt(shape.size() / shape.get(0)) : 0.2;
            for (int i = 0; i < data.length; i++) {
                if (key.endsWith("runningVar")) {
                    data[i] = 0.5f + random.nextFloat();
                } else if (key.endsWith("gamma")) {
                    data[i] = (float) (1 + 0.2 * random.nextGaussian());
                } else {
                    data[i] = (float) (std * random.nextGaussian());
                }
            }
            ParameterValues.set(arr, data);
        }
        return block;
    }

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
     * The largest absolute difference of two outputs of the same size.
     *
     * @param a one output
     * @param b the other
     * @return max |a - b|
     */
    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("output sizes differ: " + a.length + " vs " + b.length);
        }
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    /**
     * The largest absolute value.
     *
     * @param a values
     * @return max |a|
     */
    public static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
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
     * DJL's CIFAR-style ResNet-20 (basic units) for 16 x 16 images, 5 classes.
     *
     * @return the model
     */
    public static Block resnet20() {
        return ResNetV1.builder()
                .setNumLayers(20)
                .setOutSize(5)
                .setImageShape(new Shape(3, 16, 16))
                .build();
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
     * {@code Conv(6) BN relu, depthwise Conv3x3(groups 6) BN relu, Conv1x1(5) relu, dropout, global
     * average pool, flatten, Linear(3)}.
     *
     * @return the model
     */
    public static SequentialBlock depthwise() {
        return new SequentialBlock()
                .add(conv2d(6, 3, 1))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(conv2d(6, 3, 6))
                .add(BatchNorm.builder().optEpsilon(1e-3f).build())
                .add(Activation.reluBlock())
                .add(conv2d(5, 1, 1))
                .add(Activation.reluBlock())
                .add(Dropout.builder().optRate(0.3f).build())
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(3).build());
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
