package ai.hesso.djl.compact;

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
import ai.hesso.core.group.GroupMember;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.ParameterSlice;
import ai.hesso.fixtures.ParameterValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Test helpers: random parameters, zeroed channels, inference outputs, expected sizes. */
public final class CompactFixtures {

    private CompactFixtures() {}

    /**
     * Initialises a block and overwrites every parameter with seeded random values scaled so deep
     * models keep outputs of order one: weights Gaussian with standard deviation {@code
     * 1/sqrt(fan-in)}, gammas {@code 1 + 0.2 N(0,1)}, biases, betas and running means {@code 0.2
     * N(0,1)}, running variances uniform in [0.5, 1.5) (so slicing the statistics matters).
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
     * Zeroes random channels of every prunable group with at least two channels. A seed divisible
     * by 4 leaves every such group with exactly one channel; other seeds leave exactly one channel
     * in the groups at positions {@code i} with {@code (i + seed) mod 3 = 0} and zero between 1 and
     * n - 1 random channels of the others.
     *
     * @return the zeroed channels per group, in the report's order
     */
    static Map<String, int[]> zeroRandomChannels(Block block, DiscoveryReport report, long seed) {
        Random random = new Random(seed);
        List<DiscoveredGroup> groups =
                report.prunableGroups().stream().filter(g -> g.group().channels() >= 2).toList();
        Map<String, int[]> zeroed = new LinkedHashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            DiscoveredGroup g = groups.get(i);
            int n = g.group().channels();
            boolean keepOne = seed % 4 == 0 || (i + seed) % 3 == 0;
            int count = keepOne ? n - 1 : 1 + random.nextInt(n - 1);
            List<Integer> all = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                all.add(c);
            }
            Collections.shuffle(all, random);
            int[] chosen =
                    all.subList(0, count).stream().mapToInt(Integer::intValue).sorted().toArray();
            zero(block, g, chosen);
            zeroed.put(g.name(), chosen);
        }
        return zeroed;
    }

    /**
     * Writes removed channels the way {@code HessoDriver.prunedChannels()} returns them: every
     * prunable group of the report, in order, with an empty array when it loses nothing.
     */
    static Map<String, int[]> asPrunedChannels(DiscoveryReport report, Map<String, int[]> removed) {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (DiscoveredGroup g : report.prunableGroups()) {
            out.put(g.name(), removed.getOrDefault(g.name(), new int[0]).clone());
        }
        return out;
    }

    /** Copies every parameter's values, to check later that a block was left untouched. */
    static Map<String, float[]> snapshot(Block block) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    /** Zeroes the member rows of the given channels of a group (a run of rows per channel). */
    static void zero(Block block, DiscoveredGroup g, int... channels) {
        for (GroupMember m : g.group().members()) {
            if (m.axis().index() != 0) {
                throw new AssertionError("test helper zeroes rows only: " + m);
            }
            NDArray arr = block.getParameters().get(m.tensor()).getArray();
            float[] data = arr.toFloatArray();
            int run = data.length / Math.toIntExact(arr.getShape().get(0)) * m.rowsPerChannel();
            for (int c : channels) {
                Arrays.fill(data, c * run, (c + 1) * run, 0f);
            }
            ParameterValues.set(arr, data);
        }
    }

    /** The block's outputs in inference mode, flattened. */
    static float[] forward(Block block, NDManager manager, NDArray input) {
        NDList out = block.forward(new ParameterStore(manager, false), new NDList(input), false);
        return out.singletonOrThrow().toFloatArray();
    }

    /** A seeded Gaussian input. */
    static NDArray input(NDManager manager, Shape shape, long seed) {
        Random random = new Random(seed);
        float[] data = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return manager.create(data, shape);
    }

    public static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

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

    /** Total parameter scalars of a block. */
    static long parameterCount(Block block) {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            n += p.getValue().getArray().size();
        }
        return n;
    }

    /**
     * The parameter count after removing the channels, computed from the report alone: each
     * parameter's size is the product over its axes of (size - distinct indices removed there).
     */
    static long expectedParameters(
            Block block, DiscoveryReport report, Map<String, int[]> removed) {
        Map<String, Map<Integer, Set<Long>>> cut = new HashMap<>();
        for (DiscoveredGroup g : report.groups()) {
            int[] channels = removed.getOrDefault(g.name(), new int[0]);
            for (int c : channels) {
                for (GroupMember m : g.group().members()) {
                    mark(cut, m.tensor(), m.axis().index(), c, c + 1);
                }
                List<ParameterSlice> slices = new ArrayList<>(g.consumers());
                slices.addAll(g.companions());
                for (ParameterSlice s : slices) {
                    mark(cut, s.parameter(), s.axis(), s.start(c), s.end(c));
                }
            }
        }
        long total = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            long[] dims = p.getValue().getArray().getShape().getShape();
            Map<Integer, Set<Long>> axes = cut.getOrDefault(p.getKey(), Map.of());
            long size = 1;
            for (int a = 0; a < dims.length; a++) {
                size *= dims[a] - axes.getOrDefault(a, Set.of()).size();
            }
            total += size;
        }
        return total;
    }

    private static void mark(
            Map<String, Map<Integer, Set<Long>>> cut, String param, int axis, long from, long to) {
        Set<Long> set =
                cut.computeIfAbsent(param, k -> new HashMap<>())
                        .computeIfAbsent(axis, k -> new HashSet<>());
        for (long i = from; i < to; i++) {
            set.add(i);
        }
    }

    /** Input of {@link #resnet20()}: batch 2, 3 x 16 x 16. */
    static final Shape RESNET20_INPUT = new Shape(2, 3, 16, 16);

    /**
     * DJL's CIFAR-style {@code ResNetV1} with 20 layers (basic units; 1x1-conv shortcuts where a
     * stage starts, identity shortcuts elsewhere) for 16 x 16 images and 5 classes.
     */
    public static Block resnet20() {
        return ResNetV1.builder()
                .setNumLayers(20)
                .setOutSize(5)
                .setImageShape(new Shape(3, 16, 16))
                .build();
    }

    /** Input of {@link #resnet18()}: batch 1, 3 x 64 x 64. */
    static final Shape RESNET18_INPUT = new Shape(1, 3, 64, 64);

    /**
     * DJL's ImageNet-style {@code ResNetV1} with 18 layers for 64 x 64 images and 4 classes; DJL
     * builds its units as bottlenecks (1x1, 3x3, 1x1 convolutions) with a 1x1-conv shortcut where a
     * stage starts.
     */
    static Block resnet18() {
        return ResNetV1.builder()
                .setNumLayers(18)
                .setOutSize(4)
                .setImageShape(new Shape(3, 64, 64))
                .build();
    }

    /** Input of {@link #depthwise()}: batch 2, 3 x 8 x 8. */
    static final Shape DEPTHWISE_INPUT = new Shape(2, 3, 8, 8);

    /**
     * {@code Conv(6) BN relu, depthwise Conv3x3(groups 6) BN relu, Conv1x1(5) relu, dropout, global
     * average pool, flatten, Linear(3)}.
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

    /** Input of {@link #conv1d()}: batch 2, 3 channels, length 10. */
    static final Shape CONV1D_INPUT = new Shape(2, 3, 10);

    /** {@code Conv1d(4, k3, stride 2) relu Conv1d(5, k3 no bias) relu flatten Linear(2)}. */
    static SequentialBlock conv1d() {
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
                .add(Activation.reluBlock())
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
