package ai.hesso.djl.discovery;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Black-box numerical probes on small random arrays: they tell a channel-wise lambda (activation,
 * pooling) from a flatten or an unknown reshaping, and a residual add from a concatenation.
 *
 * <p>Layer supports reach the probes of a discovery run through {@link DiscoveryContext#probes()},
 * to identify a block they only know as a function.
 *
 * <p>A probe is evidence on random inputs, not a proof for every input; it is checked exactly (no
 * tolerance) wherever the operation is exact.
 */
public final class Probes {

    /** What a channel probe found. */
    public enum Verdict {
        /** Output channel c depends on input channel c only, and a zero channel stays zero. */
        CHANNELWISE,
        /** Channel-local, but a zero input channel gives a non-zero output channel. */
        NOT_ZERO_PRESERVING,
        /** Some output channel depends on another input channel. */
        NOT_CHANNELWISE
    }

    /** How many random inputs a channel probe tries. */
    static final int TRIALS = 3;

    /** The batch size channel probes run at (at most the real one). */
    static final int PROBE_BATCH = 2;

    private final NDManager manager;
    private final Random random;

    Probes(NDManager manager, long seed) {
        this.manager = manager;
        this.random = new Random(seed);
    }

    /**
     * Returns the manager probe arrays are attached to.
     *
     * @return the manager
     */
    public NDManager manager() {
        return manager;
    }

    /**
     * A random normal array.
     *
     * @param shape its shape
     * @return the array, attached to the probe manager
     */
    NDArray randn(Shape shape) {
        return randn(manager, shape);
    }

    private NDArray randn(NDManager target, Shape shape) {
        float[] data = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return target.create(data, shape);
    }

    /**
     * Checks that {@code f} acts channel by channel on {@code axis} and maps a zero channel to a
     * zero channel, conclusively for every pair of channels and whatever the batch size.
     *
     * <p>On each of {@value #TRIALS} random inputs {@code x} (with replacement values {@code r}),
     * for each of the {@link SeparatingSets} subsets {@code S} of the channels: replacing the
     * channels of {@code S} by {@code r} and zeroing them must both leave every output channel
     * outside {@code S} bit-identical, and zeroing them must make the output channels of {@code S}
     * exactly zero. Since for every two channels {@code i != j} some subset holds {@code i} and not
     * {@code j}, an output channel that depends on any other input channel is found on every input,
     * not only when a sampled channel happens to hit it. The comparisons are exact: a channel-wise
     * operation computes an unchanged channel from unchanged values, so any difference, however
     * small, is a dependency (and a NaN counts as one).
     *
     * <p>The probe runs at batch size {@code min(N, }{@value #PROBE_BATCH}{@code )} (axis 0 is the
     * batch axis when the channels are elsewhere), so its cost and its verdict do not depend on the
     * training batch size; a function that fails at that batch size is probed at the full one.
     *
     * @param f the function, output rank at least {@code axis + 1} with the same size on axis
     * @param in the input shape
     * @param axis the channel axis
     * @return the verdict
     */
    public Verdict channelwise(UnaryOperator<NDArray> f, Shape in, int axis) {
        return channelwise(f, in, axis, axis);
    }

    /**
     * As {@link #channelwise(UnaryOperator, Shape, int)}, for a function whose output holds the
     * channels on another axis (a mean over the tokens of {@code (N, T, C)} gives {@code (N, C)}).
     *
     * @param f the function
     * @param in the input shape
     * @param axis the input's channel axis
     * @param outAxis the output's channel axis, with the same size
     * @return the verdict
     */
    public Verdict channelwise(UnaryOperator<NDArray> f, Shape in, int axis, int outAxis) {
        Shape probe = probeShape(in, axis);
        if (!probe.equals(in)) {
            try (NDManager sub = manager.newSubManager()) {
                f.apply(randn(sub, probe));
            } catch (RuntimeException e) {
                probe = in;
            }
        }
        int channels = Math.toIntExact(in.get(axis));
        List<boolean[]> sets = SeparatingSets.of(channels);
        boolean zeroPreserving = true;
        for (int trial = 0; trial < TRIALS; trial++) {
            try (NDManager sub = manager.newSubManager()) {
                NDArray x = randn(sub, probe);
                NDArray r = randn(sub, probe);
                NDArray y = f.apply(x);
                int outRank = y.getShape().dimension();
                for (boolean[] set : sets) {
                    try (NDManager scope = sub.newSubManager()) {
                        // 1 on the subset's channels; the scope's arrays come first in each
                        // product, so every result (and f's output) is freed with the scope
                        NDArray inSet = indicator(scope, probe.dimension(), axis, set);
                        NDArray inSetOut = indicator(scope, outRank, outAxis, set);
                        NDArray outside = inSetOut.neg().add(1f);
                        NDArray kept = inSet.neg().add(1f).mul(x);
                        NDArray replaced = f.apply(kept.add(inSet.mul(r)));
                        if (maxAbs(replaced.sub(y).mul(outside)) != 0) {
                            return Verdict.NOT_CHANNELWISE;
                        }
                        NDArray zeroed = f.apply(kept);
                        if (maxAbs(zeroed.sub(y).mul(outside)) != 0) {
                            return Verdict.NOT_CHANNELWISE;
                        }
                        if (maxAbs(zeroed.mul(inSetOut)) != 0) {
                            zeroPreserving = false;
                        }
                    }
                }
            }
        }
        return zeroPreserving ? Verdict.CHANNELWISE : Verdict.NOT_ZERO_PRESERVING;
    }

    private static Shape probeShape(Shape in, int axis) {
        if (in.dimension() < 2 || axis == 0 || in.get(0) <= PROBE_BATCH) {
            return in;
        }
        // a copy: Shape.getShape() is the shape's own array, shared with the caller's Shape (and
        // the block's recorded input shapes), which discovery must leave as they are
        long[] dims = in.getShape().clone();
        dims[0] = PROBE_BATCH;
        return new Shape(dims);
    }

    /**
     * Checks that {@code f} also takes fewer channels, as it must once some are removed: a lambda
     * that reshapes to a hard-coded channel count (DJL's MobileNetV2 reshapes its pooled features
     * to {@code (N, 1280, 1, 1)}) is the identity at the traced width and fails at any other.
     *
     * <p>{@code f} runs on random inputs of {@code in}'s shape with {@code c - 1} and {@code ceil(c
     * / 2)} channels on {@code axis} (for {@code c >= 2} channels) and must give {@code out}'s
     * shape with {@code n * outPerChannel} on {@code outAxis} for {@code n} input channels.
     *
     * @param f the function
     * @param in the input shape at the traced width
     * @param axis the input's channel axis
     * @param out the output shape at the traced width
     * @param outAxis the output's channel axis
     * @param outPerChannel output indices on {@code outAxis} per input channel (1, or the spatial
     *     size of a flatten)
     * @param outOffset output indices on {@code outAxis} that do not come from {@code in} (the
     *     other branches of a concatenation; 0 otherwise)
     * @return null when {@code f} takes the narrower widths, else what it did there
     */
    String fixedWidth(
            UnaryOperator<NDArray> f,
            Shape in,
            int axis,
            Shape out,
            int outAxis,
            long outPerChannel,
            long outOffset) {
        long channels = in.get(axis);
        if (channels < 2) {
            return null;
        }
        for (long n : new long[] {channels - 1, (channels + 1) / 2}) {
            long[] inDims = in.getShape().clone();
            inDims[axis] = n;
            long[] outDims = out.getShape().clone();
            outDims[outAxis] = outOffset + n * outPerChannel;
            Shape expected = new Shape(outDims);
            try (NDManager sub = manager.newSubManager()) {
                Shape got = f.apply(randn(sub, new Shape(inDims))).getShape();
                if (!got.equals(expected)) {
                    return "at "
                            + n
                            + " of its "
                            + channels
                            + " channels it gives shape "
                            + got
                            + " instead of "
                            + expected;
                }
            } catch (RuntimeException e) {
                return "at " + n + " of its " + channels + " channels it fails: " + e.getMessage();
            }
        }
        return null;
    }

    /**
     * Checks that {@code f} is DJL's batch flatten: {@code x.reshape(N, -1)}, bit for bit.
     *
     * @param f the function
     * @param in the input shape, rank at least 2
     * @return true when the output equals the reshaped input
     */
    public boolean isFlatten(UnaryOperator<NDArray> f, Shape in) {
        NDArray x = randn(in);
        NDArray y = f.apply(x);
        NDArray expected = x.reshape(in.get(0), -1);
        return y.getShape().equals(expected.getShape()) && maxAbs(y.sub(expected)) == 0;
    }

    /**
     * Checks that a parallel join depends on its branches only through their sum: {@code
     * join(a1..ak) == join(a1+..+ak, 0, ..) == join(0, .., a1+..+ak)}.
     *
     * @param join the join
     * @param shape the common branch shape
     * @param branches the number of branches, at least 2
     * @return true when the join behaves as {@code g(sum of branches)}
     */
    public boolean isSumJoin(Function<List<NDList>, NDList> join, Shape shape, int branches) {
        List<NDArray> parts = new ArrayList<>();
        NDArray sum = null;
        for (int i = 0; i < branches; i++) {
            NDArray a = randn(shape);
            parts.add(a);
            sum = sum == null ? a : sum.add(a);
        }
        NDArray direct = apply(join, parts);
        NDArray first = apply(join, withSumAt(sum, shape, branches, 0));
        NDArray last = apply(join, withSumAt(sum, shape, branches, branches - 1));
        double scale = 1 + maxAbs(direct);
        return direct.getShape().equals(shape)
                && maxAbs(direct.sub(first)) <= 1e-6 * scale
                && maxAbs(direct.sub(last)) <= 1e-6 * scale;
    }

    /**
     * The function {@code s -> join(s, 0, .., 0)}, to probe a sum join channel-wise.
     *
     * @param join the join
     * @param branches the number of branches
     * @return the function
     */
    public UnaryOperator<NDArray> sumOnFirst(Function<List<NDList>, NDList> join, int branches) {
        return s -> {
            List<NDArray> parts = new ArrayList<>();
            parts.add(s);
            for (int i = 1; i < branches; i++) {
                parts.add(s.zerosLike());
            }
            return apply(join, parts);
        };
    }

    /**
     * Returns a join as a function of one branch's value, the other branches given random values of
     * their traced shapes (with the batch size of the value): what {@link #fixedWidth} runs to
     * check that a concatenation still works when that branch loses channels.
     *
     * @param join the join
     * @param shapes the branches' traced shapes
     * @param branch the index of the branch the function takes
     * @return the function
     */
    public UnaryOperator<NDArray> onBranch(
            Function<List<NDList>, NDList> join, List<Shape> shapes, int branch) {
        return x -> {
            List<NDArray> parts = new ArrayList<>();
            for (int i = 0; i < shapes.size(); i++) {
                if (i == branch) {
                    parts.add(x);
                } else {
                    long[] dims = shapes.get(i).getShape().clone();
                    dims[0] = x.getShape().get(0);
                    parts.add(randn(x.getManager(), new Shape(dims)));
                }
            }
            return apply(join, parts);
        };
    }

    /**
     * Finds the axis a join concatenates its branches on, bit for bit.
     *
     * @param join the join
     * @param shapes the branch shapes, same rank
     * @param out the join's output shape
     * @return the axis, or -1 when the join is not a concatenation
     */
    public int concatAxis(Function<List<NDList>, NDList> join, List<Shape> shapes, Shape out) {
        int rank = out.dimension();
        for (int axis = 0; axis < rank; axis++) {
            if (!concatenates(shapes, out, axis)) {
                continue;
            }
            List<NDArray> parts = new ArrayList<>();
            for (Shape s : shapes) {
                parts.add(randn(s));
            }
            NDArray y = apply(join, parts);
            NDArray expected = NDArrays.concat(new NDList(parts), axis);
            if (y.getShape().equals(expected.getShape()) && maxAbs(y.sub(expected)) == 0) {
                return axis;
            }
        }
        return -1;
    }

    /**
     * Says whether shapes, concatenated along an axis, give a shape: same rank, equal sizes on
     * every other axis, sizes on the axis summing to the output's.
     *
     * @param shapes the branches' shapes
     * @param out the joined shape
     * @param axis the axis
     * @return whether concatenation along {@code axis} fits
     */
    public static boolean concatenates(List<Shape> shapes, Shape out, int axis) {
        long total = 0;
        for (Shape s : shapes) {
            if (s.dimension() != out.dimension()) {
                return false;
            }
            for (int d = 0; d < out.dimension(); d++) {
                if (d != axis && s.get(d) != out.get(d)) {
                    return false;
                }
            }
            total += s.get(axis);
        }
        return total == out.get(axis);
    }

    private List<NDArray> withSumAt(NDArray sum, Shape shape, int branches, int at) {
        List<NDArray> parts = new ArrayList<>();
        for (int i = 0; i < branches; i++) {
            parts.add(i == at ? sum : manager.zeros(shape));
        }
        return parts;
    }

    private static NDArray apply(Function<List<NDList>, NDList> join, List<NDArray> parts) {
        List<NDList> lists = new ArrayList<>();
        for (NDArray p : parts) {
            lists.add(new NDList(p));
        }
        return join.apply(lists).singletonOrThrow();
    }

    /** A 0/1 array broadcasting over a rank-{@code rank} tensor: 1 where {@code set} holds. */
    private static NDArray indicator(NDManager scope, int rank, int axis, boolean[] set) {
        float[] data = new float[set.length];
        for (int i = 0; i < set.length; i++) {
            data[i] = set[i] ? 1f : 0f;
        }
        long[] dims = new long[rank];
        Arrays.fill(dims, 1);
        dims[axis] = set.length;
        return scope.create(data, new Shape(dims));
    }

    static double maxAbs(NDArray a) {
        return a.size() == 0 ? 0 : a.abs().max().toType(DataType.FLOAT64, false).getDouble();
    }
}
