package ai.hesso.djl.discovery;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import ai.hesso.core.group.GroupMember;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Black-box verification of zero-invariance on a user's own model, as Only-Train-Once does.
 *
 * <p>For each prunable group: save the parameters it touches, zero a random subset of its channels
 * (the member rows), record the outputs, overwrite the consumers' matching input slices with random
 * values and record the outputs again. A zero-invariant group gives the same outputs: {@code max
 * |y1 - y2| <= tolerance * max(1, max |y1|)}. The parameters are restored afterwards, also on
 * failure. The model runs in inference mode (batch norm uses its running statistics, dropout is
 * off).
 *
 * <pre>{@code
 * List<SanityResult> results = SanityCheck.builder().build().check(block, report, inputShape);
 * }</pre>
 */
public final class SanityCheck {

    private final long seed;
    private final double tolerance;
    private final double fraction;
    private final boolean failOnError;

    private SanityCheck(Builder builder) {
        this.seed = builder.seed;
        this.tolerance = builder.tolerance;
        this.fraction = builder.fraction;
        this.failOnError = builder.failOnError;
    }

    /**
     * Creates a builder.
     *
     * @return a builder with seed 0, tolerance 1e-5, fraction 0.5, not failing on error
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks every prunable group of a report.
     *
     * @param block the initialized block the report was made for
     * @param report the discovery report
     * @param inputShapes the input shapes
     * @return one result per prunable group, in report order
     * @throws IllegalStateException if {@code optFailOnError(true)} and a group fails
     */
    public List<SanityResult> check(Block block, DiscoveryReport report, Shape... inputShapes) {
        return check(block, report.prunableGroups(), inputShapes);
    }

    /**
     * Checks the given groups, prunable or not (a test may hand in a deliberately wrong one).
     *
     * @param block the initialized block
     * @param groups the groups to check
     * @param inputShapes the input shapes
     * @return one result per group
     * @throws IllegalStateException if {@code optFailOnError(true)} and a group fails
     */
    public List<SanityResult> check(
            Block block, List<DiscoveredGroup> groups, Shape... inputShapes) {
        Objects.requireNonNull(block, "block");
        if (!block.isInitialized()) {
            throw new IllegalStateException("the sanity check needs an initialized block");
        }
        List<SanityResult> results = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            Random random = new Random(seed);
            NDList inputs = new NDList();
            for (Shape shape : inputShapes) {
                inputs.add(manager.create(gaussian(random, shape.size()), shape));
            }
            for (DiscoveredGroup group : groups) {
                results.add(checkGroup(block, group, inputs, manager, random));
            }
        }
        if (failOnError && results.stream().anyMatch(r -> !r.passed())) {
            throw new IllegalStateException(
                    "zero-invariance violated: "
                            + results.stream()
                                    .filter(r -> !r.passed())
                                    .map(SanityResult::toString)
                                    .collect(Collectors.joining("; ")));
        }
        return results;
    }

    private SanityResult checkGroup(
            Block block, DiscoveredGroup group, NDList inputs, NDManager manager, Random random) {
        ParameterList params = block.getParameters();
        int channels = group.group().channels();
        List<Integer> chosen = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            if (random.nextDouble() < fraction) {
                chosen.add(c);
            }
        }
        if (chosen.isEmpty()) {
            chosen.add(random.nextInt(channels));
        }
        Map<NDArray, float[]> saved = new IdentityHashMap<>();
        try {
            for (GroupMember m : group.group().members()) {
                NDArray arr = array(params, m.tensor());
                float[] values = save(saved, arr);
                boolean[] rows = select(arr.getShape().get(m.axis().index()), chosen, 0, 1);
                arr.set(overwrite(values, arr.getShape(), m.axis().index(), rows, null));
            }
            float[] before = forward(block, inputs, manager);
            for (ParameterSlice s : group.consumers()) {
                NDArray arr = array(params, s.parameter());
                save(saved, arr);
                boolean[] cols =
                        select(
                                arr.getShape().get(s.axis()),
                                chosen,
                                s.offset(),
                                s.columnsPerChannel());
                arr.set(overwrite(arr.toFloatArray(), arr.getShape(), s.axis(), cols, random));
            }
            float[] after = forward(block, inputs, manager);
            double diff = 0;
            double scale = 1;
            for (int i = 0; i < before.length; i++) {
                diff = Math.max(diff, Math.abs(before[i] - after[i]));
                scale = Math.max(scale, Math.abs(before[i]));
            }
            double tol = tolerance * scale;
            return new SanityResult(group.name(), chosen, diff, tol, diff <= tol);
        } finally {
            saved.forEach(NDArray::set);
        }
    }

    private static NDArray array(ParameterList params, String name) {
        Parameter p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException(
                    "group names parameter '" + name + "', which the block does not have");
        }
        NDArray arr = p.getArray();
        if (arr.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(
                    "the sanity check supports float32 parameters, '"
                            + name
                            + "' is "
                            + arr.getDataType());
        }
        return arr;
    }

    private static float[] save(Map<NDArray, float[]> saved, NDArray arr) {
        return saved.computeIfAbsent(arr, NDArray::toFloatArray);
    }

    private static float[] forward(Block block, NDList inputs, NDManager manager) {
        NDList out = block.forward(new ParameterStore(manager, false), inputs, false);
        List<float[]> parts = new ArrayList<>();
        int total = 0;
        for (NDArray a : out) {
            float[] f = a.toType(DataType.FLOAT32, false).toFloatArray();
            parts.add(f);
            total += f.length;
        }
        float[] all = new float[total];
        int at = 0;
        for (float[] f : parts) {
            System.arraycopy(f, 0, all, at, f.length);
            at += f.length;
        }
        return all;
    }

    private static boolean[] select(long size, List<Integer> channels, long offset, long width) {
        boolean[] selected = new boolean[Math.toIntExact(size)];
        for (int c : channels) {
            long start = offset + c * width;
            for (long i = start; i < start + width; i++) {
                if (i >= size) {
                    throw new IllegalArgumentException(
                            "slice index " + i + " is outside the axis of size " + size);
                }
                selected[(int) i] = true;
            }
        }
        return selected;
    }

    /**
     * Zeroes (random == null) or randomises the elements whose index on {@code axis} is selected.
     */
    private static float[] overwrite(
            float[] values, Shape shape, int axis, boolean[] selected, Random random) {
        float[] out = values.clone();
        long stride = shape.slice(axis + 1).size();
        long size = shape.get(axis);
        for (int i = 0; i < out.length; i++) {
            if (selected[(int) ((i / stride) % size)]) {
                out[i] = random == null ? 0f : (float) random.nextGaussian();
            }
        }
        return out;
    }

    private static float[] gaussian(Random random, long size) {
        float[] data = new float[Math.toIntExact(size)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return data;
    }

    /** Configures a {@link SanityCheck}. */
    public static final class Builder {

        private long seed;
        private double tolerance = 1e-5;
        private double fraction = 0.5;
        private boolean failOnError;

        private Builder() {}

        /**
         * Sets the seed for the inputs, the zeroed channels and the random consumer values.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the accepted output change, relative to {@code max(1, max |output|)}.
         *
         * @param tolerance at least 0; 0 demands bit-identical outputs
         * @return this builder
         */
        public Builder optTolerance(double tolerance) {
            if (!(tolerance >= 0)) {
                throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
            }
            this.tolerance = tolerance;
            return this;
        }

        /**
         * Sets the probability that each channel is zeroed (at least one always is).
         *
         * @param fraction in (0, 1]
         * @return this builder
         */
        public Builder optFraction(double fraction) {
            if (!(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
            }
            this.fraction = fraction;
            return this;
        }

        /**
         * Whether a failed group throws {@link IllegalStateException} after all groups are checked.
         * Default false: failures are only reported.
         *
         * @param failOnError true to throw
         * @return this builder
         */
        public Builder optFailOnError(boolean failOnError) {
            this.failOnError = failOnError;
            return this;
        }

        /**
         * Builds the check.
         *
         * @return the check
         */
        public SanityCheck build() {
            return new SanityCheck(this);
        }
    }
}
