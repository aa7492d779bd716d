package ai.hesso.djl.discovery;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import ai.hesso.core.group.GroupMember;
import ai.hesso.djl.engine.Aliases;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Black-box verification of zero-invariance on a user's own model, as Only-Train-Once does.
 *
 * <p>For each prunable group: save the parameters it touches, zero a subset of its channels (the
 * member rows), record the outputs, overwrite the consumers' matching input slices with random
 * values and record the outputs again. A zero-invariant group gives the same outputs: {@code max
 * |y1 - y2| <= tolerance * max(1, max |y1|)}. The subsets are a random one (each channel with
 * probability {@code fraction}) and, unless {@code optPairwise(false)}, the {@link SeparatingSets
 * separating subsets}: for every two channels one of them zeroes the first and keeps the second, so
 * a kept channel leaking into a removed one is caught whatever the seed. The result reports the
 * first failing subset, or the subset with the largest difference when all pass. The parameters are
 * restored afterwards, also on failure. The model runs in inference mode (batch norm uses its
 * running statistics, dropout is off).
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
    private final boolean pairwise;

    private SanityCheck(Builder builder) {
        this.seed = builder.seed;
        this.tolerance = builder.tolerance;
        this.fraction = builder.fraction;
        this.failOnError = builder.failOnError;
        this.pairwise = builder.pairwise;
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
        List<List<Integer>> trials = new ArrayList<>();
        trials.add(randomSubset(channels, random));
        if (pairwise) {
            for (boolean[] set : SeparatingSets.of(channels)) {
                trials.add(SeparatingSets.indices(set));
            }
        }
        // copies to restore from, and one random array per consumer, drawn once per group
        Map<NDArray, NDArray> saved = new IdentityHashMap<>();
        Map<NDArray, NDArray> noise = new IdentityHashMap<>();
        try (NDManager groupScope = manager.newSubManager()) {
            try {
                for (GroupMember m : group.group().members()) {
                    save(saved, array(params, m.tensor()), groupScope);
                }
                for (ParameterSlice s : group.consumers()) {
                    NDArray arr = array(params, s.parameter());
                    save(saved, arr, groupScope);
                    noise.computeIfAbsent(
                            arr, a -> groupScope.create(gaussian(random, a.size()), a.getShape()));
                }
                SanityResult worst = null;
                for (List<Integer> chosen : trials) {
                    SanityResult result;
                    try (NDManager trialScope = groupScope.newSubManager()) {
                        // forward passes attach their results to the inputs' manager: lend the
                        // inputs to this trial, so its activations are freed when it ends
                        inputs.tempAttach(trialScope);
                        saved.forEach((arr, copy) -> Aliases.overwrite(arr, copy));
                        result = trial(block, group, params, chosen, noise, inputs, trialScope);
                    }
                    if (!result.passed()) {
                        return result;
                    }
                    if (worst == null || result.maxDifference() > worst.maxDifference()) {
                        worst = result;
                    }
                }
                return worst;
            } finally {
                saved.forEach((arr, copy) -> Aliases.overwrite(arr, copy));
            }
        }
    }

    /** Zeroes one subset of the group's channels and randomises its consumer slices. */
    private SanityResult trial(
            Block block,
            DiscoveredGroup group,
            ParameterList params,
            List<Integer> chosen,
            Map<NDArray, NDArray> noise,
            NDList inputs,
            NDManager scope) {
        for (GroupMember m : group.group().members()) {
            NDArray arr = array(params, m.tensor());
            int axis = m.axis().index();
            NDArray picked = indicator(scope, arr.getShape(), axis, chosen, 0, m.rowsPerChannel());
            // the scope's array first: the result belongs to the scope, not to the model
            Aliases.overwrite(arr, picked.neg().add(1f).mul(arr));
        }
        NDArray before = forward(block, inputs, scope);
        for (ParameterSlice s : group.consumers()) {
            NDArray arr = array(params, s.parameter());
            NDArray picked =
                    indicator(
                            scope,
                            arr.getShape(),
                            s.axis(),
                            chosen,
                            s.offset(),
                            s.columnsPerChannel());
            Aliases.overwrite(arr, picked.neg().add(1f).mul(arr).add(picked.mul(noise.get(arr))));
        }
        NDArray after = forward(block, inputs, scope);
        double diff =
                before.getShape().equals(after.getShape())
                        ? Probes.maxAbs(after.sub(before))
                        : Double.POSITIVE_INFINITY;
        if (Double.isNaN(diff)) {
            diff = Double.POSITIVE_INFINITY;
        }
        double tol = tolerance * Math.max(1, Probes.maxAbs(before));
        return new SanityResult(group.name(), chosen, diff, tol, diff <= tol);
    }

    private List<Integer> randomSubset(int channels, Random random) {
        List<Integer> chosen = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            if (random.nextDouble() < fraction) {
                chosen.add(c);
            }
        }
        if (chosen.isEmpty()) {
            chosen.add(random.nextInt(channels));
        }
        return chosen;
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

    private static void save(Map<NDArray, NDArray> saved, NDArray arr, NDManager scope) {
        if (!saved.containsKey(arr)) {
            NDArray copy = scope.zeros(arr.getShape(), arr.getDataType());
            Aliases.overwrite(copy, arr);
            saved.put(arr, copy);
        }
    }

    /** Runs the block in inference mode; its outputs, flattened and joined. */
    private static NDArray forward(Block block, NDList inputs, NDManager scope) {
        NDList out = block.forward(new ParameterStore(scope, false), inputs, false);
        NDList flat = new NDList();
        for (NDArray a : out) {
            flat.add(a.toType(DataType.FLOAT32, false).flatten());
        }
        return flat.size() == 1 ? flat.get(0) : NDArrays.concat(flat);
    }

    /**
     * A 0/1 array broadcasting over {@code shape}: 1 at the indices {@code [offset + c * width,
     * offset + (c + 1) * width)} of {@code axis} for each chosen channel {@code c}.
     */
    private static NDArray indicator(
            NDManager scope,
            Shape shape,
            int axis,
            List<Integer> channels,
            long offset,
            long width) {
        long size = shape.get(axis);
        float[] selected = new float[Math.toIntExact(size)];
        for (int c : channels) {
            long start = offset + c * width;
            for (long i = start; i < start + width; i++) {
                if (i >= size) {
                    throw new IllegalArgumentException(
                            "slice index " + i + " is outside the axis of size " + size);
                }
                selected[(int) i] = 1f;
            }
        }
        long[] dims = new long[shape.dimension()];
        Arrays.fill(dims, 1);
        dims[axis] = size;
        return scope.create(selected, new Shape(dims));
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
        private boolean pairwise = true;

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
         * Whether each group is also checked with every {@link SeparatingSets separating subset} of
         * its channels zeroed ({@code 2 ceil(log2 n)} more trials for {@code n} channels), so that
         * for every two channels {@code i != j} one trial zeroes {@code j} and keeps {@code i}: a
         * layer between the group and its consumers that feeds a kept channel into a removed one (a
         * channel-mixing lambda) is then caught on every seed, not only when the random subset
         * happens to split that pair. Default true.
         *
         * @param pairwise false to run the random subset alone
         * @return this builder
         */
        public Builder optPairwise(boolean pairwise) {
            this.pairwise = pairwise;
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
