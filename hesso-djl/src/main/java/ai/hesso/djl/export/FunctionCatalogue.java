package ai.hesso.djl.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import ai.hesso.djl.discovery.Probes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The functions an export recognises inside DJL's opaque blocks: a {@link ai.djl.nn.LambdaBlock}
 * (activations, pooling, flatten, a mean over an axis) and a {@link ai.djl.nn.ParallelBlock}'s join
 * (a concatenation, or a sum followed by an activation, as ResNet's {@code relu(a + b)}).
 *
 * <p>A function is identified, never guessed: each candidate of the catalogue is a DJL reference
 * implementation paired with the ONNX nodes that compute it, and a candidate is accepted only when
 * the block's function and the reference give the same output on {@value #TRIALS} seeded random
 * inputs of the traced shape (within {@value #TOLERANCE} times the output's scale), as discovery's
 * probes identify lambdas. The lambda block's name, where DJL gives one ({@code "ReLU"}, {@code
 * "maxPool2d"}), only orders the candidates; a named block whose numbers match no candidate of its
 * name is still tried against the others. Pooling candidates are every kernel, stride, padding and
 * rounding that give the traced output shape. A function that matches no candidate is refused with
 * what was tried.
 *
 * <p>The catalogue: identity, relu, relu6, sigmoid, tanh, gelu (exact, erf form), softplus,
 * softsign, selu; batch flatten; max and average pooling (1-D to 3-D; average with and without the
 * padding counted) and global max and average pooling; the mean over one non-batch axis. Joins: a
 * concatenation on any non-batch axis, a sum of the branches followed by any catalogue activation
 * that keeps the shape.
 */
public final class FunctionCatalogue {

    /** How many random inputs confirm a candidate. */
    static final int TRIALS = 3;

    /** The largest accepted difference, relative to {@code 1 + max |reference|}. */
    static final double TOLERANCE = 1e-5;

    private static final int MAX_KERNEL = 8;

    private final NDManager manager;
    private final Random random;

    FunctionCatalogue(NDManager manager, long seed) {
        this.manager = manager;
        this.random = new Random(seed);
    }

    /** Writes a known function's ONNX nodes. */
    @FunctionalInterface
    public interface Emitter {
        /**
         * Writes the nodes.
         *
         * @param ctx the export
         * @param inputs the input values (one for a lambda, the branches for a join)
         * @param out the output's static shape
         * @param path the block's path
         * @return the output value
         */
        String emit(ExportContext ctx, List<String> inputs, Shape out, String path);
    }

    /**
     * A function the catalogue identified.
     *
     * @param description what it is, e.g. {@code "maxPool2d(kernel (2, 2), stride (2, 2), pad (0,
     *     0), ceil false)"}
     * @param out its output shape at the traced input
     * @param emitter its ONNX nodes
     */
    public record Known(String description, Shape out, Emitter emitter) {

        /**
         * Writes the function's nodes.
         *
         * @param ctx the export
         * @param inputs its input values
         * @param path the block's path
         * @return the output value
         */
        public String emit(ExportContext ctx, List<String> inputs, String path) {
            return emitter.emit(ctx, inputs, out, path);
        }
    }

    private record Candidate(
            String description, Set<String> names, UnaryOperator<NDArray> reference, Emitter e) {}

    /**
     * Identifies the function of a lambda block with one input and one output.
     *
     * @param block the block, for messages
     * @param path its path
     * @param f its function
     * @param name the name DJL gives it ({@code LambdaBlock.getName()}), or null
     * @param in the traced input shape
     * @param out the traced output shape
     * @return the identified function
     * @throws OnnxExportException naming the block and the candidates tried when none matches
     */
    public Known identify(
            Block block,
            String path,
            Function<NDList, NDList> f,
            String name,
            Shape in,
            Shape out) {
        List<Candidate> candidates = unary(in, out);
        // DJL's own name first: the cheapest way to the right candidate, never a verdict
        List<Candidate> ordered = new ArrayList<>();
        candidates.stream()
                .filter(c -> name != null && c.names().contains(name))
                .forEach(ordered::add);
        candidates.stream().filter(c -> !ordered.contains(c)).forEach(ordered::add);
        UnaryOperator<NDArray> g = x -> f.apply(new NDList(x)).singletonOrThrow();
        for (Candidate c : ordered) {
            if (matches(g, c.reference(), in)) {
                return new Known(c.description(), out, c.e());
            }
        }
        throw new OnnxExportException(
                path,
                "cannot export block "
                        + ExportContext.display(path)
                        + " ("
                        + block.getClass().getName()
                        + (name == null ? "" : " named '" + name + "'")
                        + ") to ONNX: its function "
                        + in
                        + " -> "
                        + out
                        + " matches no known function on random inputs; tried "
                        + tried(candidates)
                        + ". A lambda is exported only when it is identified, never guessed");
    }

    /**
     * Identifies a parallel block's join.
     *
     * @param block the block, for messages
     * @param path its path
     * @param join the join
     * @param branches the branches' output shapes
     * @param out the join's output shape
     * @return the identified join
     * @throws OnnxExportException naming the block and what was tried when nothing matches
     */
    public Known identifyJoin(
            Block block,
            String path,
            Function<List<NDList>, NDList> join,
            List<Shape> branches,
            Shape out) {
        List<String> tried = new ArrayList<>();
        boolean sameShapes = branches.stream().allMatch(s -> s.equals(out));
        if (sameShapes && branches.size() >= 2) {
            for (Candidate g : unary(out, out)) {
                tried.add("sum then " + g.description());
                if (matchesJoin(join, branches, xs -> g.reference().apply(sum(xs)))) {
                    return new Known("sum then " + g.description(), out, sumThen(g.e()));
                }
            }
        }
        for (int axis = 1; axis < out.dimension(); axis++) {
            if (!Probes.concatenates(branches, out, axis)) {
                continue;
            }
            int a = axis;
            tried.add("concatenation on axis " + a);
            if (matchesJoin(join, branches, xs -> NDArrays.concat(new NDList(xs), a))) {
                return new Known("concatenation on axis " + a, out, concat(a));
            }
        }
        throw new OnnxExportException(
                path,
                "cannot export block "
                        + ExportContext.display(path)
                        + " ("
                        + block.getClass().getName()
                        + ") to ONNX: its join of "
                        + branches
                        + " -> "
                        + out
                        + " matches no known join on random inputs; tried "
                        + (tried.isEmpty()
                                ? "nothing (no sum or concatenation gives these shapes)"
                                : String.join(", ", tried)));
    }

    private static Emitter sumThen(Emitter g) {
        return (ctx, inputs, out, path) -> {
            String s = inputs.get(0);
            for (int i = 1; i < inputs.size(); i++) {
                s = ctx.node("Add", path).input(s).input(inputs.get(i)).output(out);
            }
            return g.emit(ctx, List.of(s), out, path);
        };
    }

    private static Emitter concat(int axis) {
        return (ctx, inputs, out, path) -> {
            ExportContext.Node n = ctx.node("Concat", path).attribute("axis", (long) axis);
            inputs.forEach(n::input);
            return n.output(out);
        };
    }

    private static NDArray sum(List<NDArray> xs) {
        NDArray s = xs.get(0);
        for (int i = 1; i < xs.size(); i++) {
            s = s.add(xs.get(i));
        }
        return s;
    }

    private String tried(List<Candidate> candidates) {
        List<String> names = new ArrayList<>();
        int pools = 0;
        for (Candidate c : candidates) {
            if (c.description().contains("Pool") && !c.description().startsWith("global")) {
                pools++;
            } else {
                names.add(c.description());
            }
        }
        if (pools > 0) {
            names.add(
                    pools
                            + " max and average poolings (every kernel up to "
                            + MAX_KERNEL
                            + ", stride and padding giving this output shape)");
        }
        return names.isEmpty()
                ? "nothing (no catalogue function gives this shape)"
                : String.join(", ", names);
    }

    private boolean matches(UnaryOperator<NDArray> f, UnaryOperator<NDArray> reference, Shape in) {
        for (int trial = 0; trial < TRIALS; trial++) {
            try (NDManager sub = manager.newSubManager()) {
                NDArray x = randn(sub, in);
                NDArray want;
                NDArray got;
                try {
                    want = reference.apply(x);
                    got = f.apply(x);
                } catch (RuntimeException e) {
                    return false;
                }
                if (!close(got, want)) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean matchesJoin(
            Function<List<NDList>, NDList> join,
            List<Shape> shapes,
            Function<List<NDArray>, NDArray> reference) {
        for (int trial = 0; trial < TRIALS; trial++) {
            try (NDManager sub = manager.newSubManager()) {
                List<NDArray> xs = new ArrayList<>();
                List<NDList> lists = new ArrayList<>();
                for (Shape s : shapes) {
                    NDArray x = randn(sub, s);
                    xs.add(x);
                    lists.add(new NDList(x));
                }
                NDArray want;
                NDArray got;
                try {
                    want = reference.apply(xs);
                    got = join.apply(lists).singletonOrThrow();
                } catch (RuntimeException e) {
                    return false;
                }
                if (!close(got, want)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean close(NDArray got, NDArray want) {
        if (!got.getShape().equals(want.getShape())) {
            return false;
        }
        if (want.size() == 0) {
            return true;
        }
        double scale = 1 + maxAbs(want);
        double diff = maxAbs(got.toType(DataType.FLOAT32, false).sub(want));
        // a NaN difference fails: !(NaN <= x)
        return diff <= TOLERANCE * scale;
    }

    private static double maxAbs(NDArray a) {
        return a.abs().max().toType(DataType.FLOAT64, false).getDouble();
    }

    private NDArray randn(NDManager target, Shape shape) {
        float[] data = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return target.create(data, shape);
    }

    /** Every catalogue function that could map {@code in} to {@code out}. */
    private static List<Candidate> unary(Shape in, Shape out) {
        List<Candidate> c = new ArrayList<>();
        if (in.equals(out)) {
            c.add(pointwise("identity", Set.of("identity"), x -> x, null));
            c.add(pointwise("relu", Set.of("ReLU"), Activation::relu, "Relu"));
            c.add(pointwise("sigmoid", Set.of("sigmoid"), Activation::sigmoid, "Sigmoid"));
            c.add(pointwise("tanh", Set.of("Tanh"), Activation::tanh, "Tanh"));
            c.add(pointwise("softplus", Set.of("softPlus"), Activation::softPlus, "Softplus"));
            c.add(pointwise("softsign", Set.of("softSign"), Activation::softSign, "Softsign"));
            c.add(pointwise("selu", Set.of("SELU"), Activation::selu, "Selu"));
            c.add(
                    new Candidate(
                            "relu6", Set.of("ReLU6"), Activation::relu6, FunctionCatalogue::relu6));
            c.add(new Candidate("gelu", Set.of("GELU"), Activation::gelu, FunctionCatalogue::gelu));
        }
        int rank = in.dimension();
        if (rank >= 3 && out.dimension() == 2 && out.get(0) == in.get(0)) {
            if (out.get(1) == in.size() / in.get(0)) {
                c.add(
                        new Candidate(
                                "batchFlatten",
                                Set.of("batchFlatten"),
                                x -> x.reshape(x.getShape().get(0), -1),
                                FunctionCatalogue::flatten));
            }
        }
        if (rank >= 3
                && rank <= 5
                && out.get(0) == in.get(0)
                && out.get(1) == in.get(1)
                && (out.dimension() == 2 || isGlobalShape(out, rank))) {
            int d = rank - 2;
            c.add(
                    new Candidate(
                            "globalAvgPool" + d + "d",
                            Set.of("globalAvgPool" + d + "d"),
                            x -> globalPool(x, d, true),
                            global("GlobalAveragePool")));
            c.add(
                    new Candidate(
                            "globalMaxPool" + d + "d",
                            Set.of("globalMaxPool" + d + "d"),
                            x -> globalPool(x, d, false),
                            global("GlobalMaxPool")));
        }
        if (rank >= 3
                && rank <= 5
                && out.dimension() == rank
                && out.get(0) == in.get(0)
                && out.get(1) == in.get(1)) {
            c.addAll(pools(in, out));
        }
        if (rank >= 2 && out.dimension() == rank - 1) {
            for (int axis = 1; axis < rank; axis++) {
                long[] dims = new long[rank - 1];
                for (int i = 0, j = 0; i < rank; i++) {
                    if (i != axis) {
                        dims[j++] = in.get(i);
                    }
                }
                if (new Shape(dims).equals(out)) {
                    int a = axis;
                    c.add(
                            new Candidate(
                                    "mean over axis " + a,
                                    Set.of(),
                                    x -> x.mean(new int[] {a}),
                                    (ctx, inputs, o, path) ->
                                            ctx.node("ReduceMean", path)
                                                    .input(inputs.get(0))
                                                    .attribute("axes", new long[] {a})
                                                    .attribute("keepdims", 0L)
                                                    .output(o)));
                }
            }
        }
        return c;
    }

    private static boolean isGlobalShape(Shape out, int rank) {
        if (out.dimension() != rank) {
            return false;
        }
        for (int i = 2; i < rank; i++) {
            if (out.get(i) != 1) {
                return false;
            }
        }
        return true;
    }

    private static Candidate pointwise(
            String description, Set<String> names, UnaryOperator<NDArray> reference, String op) {
        Emitter e =
                op == null
                        ? (ctx, inputs, out, path) -> inputs.get(0)
                        : (ctx, inputs, out, path) ->
                                ctx.node(op, path).input(inputs.get(0)).output(out);
        return new Candidate(description, names, reference, e);
    }

    private static String relu6(ExportContext ctx, List<String> inputs, Shape out, String path) {
        String min = ctx.constant(path, "clipMin", new float[] {0f}, new Shape());
        String max = ctx.constant(path, "clipMax", new float[] {6f}, new Shape());
        return ctx.node("Clip", path).input(inputs.get(0)).input(min).input(max).output(out);
    }

    /** PyTorch's exact gelu: {@code 0.5 x (1 + erf(x / sqrt 2))}. */
    private static String gelu(ExportContext ctx, List<String> inputs, Shape out, String path) {
        String x = inputs.get(0);
        String root2 = ctx.constant(path, "sqrt2", new float[] {(float) Math.sqrt(2)}, new Shape());
        String one = ctx.constant(path, "one", new float[] {1f}, new Shape());
        String half = ctx.constant(path, "half", new float[] {0.5f}, new Shape());
        String scaled = ctx.node("Div", path).input(x).input(root2).output(out);
        String erf = ctx.node("Erf", path).input(scaled).output(out);
        String plus = ctx.node("Add", path).input(erf).input(one).output(out);
        String times = ctx.node("Mul", path).input(x).input(plus).output(out);
        return ctx.node("Mul", path).input(times).input(half).output(out);
    }

    private static String flatten(ExportContext ctx, List<String> inputs, Shape out, String path) {
        return ctx.node("Flatten", path).input(inputs.get(0)).attribute("axis", 1L).output(out);
    }

    private static Emitter global(String op) {
        return (ctx, inputs, out, path) -> {
            Shape in = ctx.shape(inputs.get(0));
            long[] ones = in.getShape().clone();
            for (int i = 2; i < ones.length; i++) {
                ones[i] = 1;
            }
            String pooled = ctx.node(op, path).input(inputs.get(0)).output(new Shape(ones));
            return out.dimension() == 2 ? flatten(ctx, List.of(pooled), out, path) : pooled;
        };
    }

    private static NDArray globalPool(NDArray x, int d, boolean average) {
        switch (d) {
            case 1:
                return average ? Pool.globalAvgPool1d(x) : Pool.globalMaxPool1d(x);
            case 2:
                return average ? Pool.globalAvgPool2d(x) : Pool.globalMaxPool2d(x);
            default:
                return average ? Pool.globalAvgPool3d(x) : Pool.globalMaxPool3d(x);
        }
    }

    /** One axis of a pooling window. */
    private record Window(long kernel, long stride, long pad, boolean ceil) {}

    /** Max and average poolings whose windows give {@code out} from {@code in}, likeliest first. */
    private static List<Candidate> pools(Shape in, Shape out) {
        int d = in.dimension() - 2;
        List<List<Window>> perAxis = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            perAxis.add(windows(in.get(i + 2), out.get(i + 2)));
        }
        List<List<Window>> combos = new ArrayList<>();
        combos.add(List.of());
        for (List<Window> axis : perAxis) {
            List<List<Window>> next = new ArrayList<>();
            for (List<Window> prefix : combos) {
                for (Window w : axis) {
                    if (!prefix.isEmpty() && w.ceil() != prefix.get(0).ceil()) {
                        continue;
                    }
                    List<Window> l = new ArrayList<>(prefix);
                    l.add(w);
                    next.add(l);
                }
            }
            combos = next;
        }
        // square windows first: the usual case, found after few trials
        combos.sort((a, b) -> Boolean.compare(!uniform(a), !uniform(b)));
        List<Candidate> c = new ArrayList<>();
        for (List<Window> w : combos) {
            Shape k = new Shape(w.stream().mapToLong(Window::kernel).toArray());
            Shape s = new Shape(w.stream().mapToLong(Window::stride).toArray());
            Shape p = new Shape(w.stream().mapToLong(Window::pad).toArray());
            boolean ceil = w.get(0).ceil();
            String settings = "(kernel " + k + ", stride " + s + ", pad " + p + ", ceil " + ceil;
            c.add(
                    new Candidate(
                            "maxPool" + d + "d" + settings + ")",
                            Set.of("maxPool" + d + "d"),
                            x -> maxPool(x, d, k, s, p, ceil),
                            pool("MaxPool", k, s, p, ceil, null)));
            for (boolean includePad : new boolean[] {true, false}) {
                if (!includePad && Arrays.stream(p.getShape()).allMatch(v -> v == 0)) {
                    continue;
                }
                c.add(
                        new Candidate(
                                "avgPool"
                                        + d
                                        + "d"
                                        + settings
                                        + ", countIncludePad "
                                        + includePad
                                        + ")",
                                Set.of("avgPool" + d + "d"),
                                x -> avgPool(x, d, k, s, p, ceil, includePad),
                                pool("AveragePool", k, s, p, ceil, includePad)));
            }
        }
        return c;
    }

    private static boolean uniform(List<Window> w) {
        return w.stream().distinct().count() == 1;
    }

    private static List<Window> windows(long n, long m) {
        List<Window> out = new ArrayList<>();
        for (boolean ceil : new boolean[] {false, true}) {
            for (long k = 1; k <= Math.min(MAX_KERNEL, n + 2 * (MAX_KERNEL / 2)); k++) {
                for (long s = 1; s <= MAX_KERNEL; s++) {
                    for (long p = 0; p <= k / 2; p++) {
                        long span = n + 2 * p - k;
                        if (span < 0) {
                            continue;
                        }
                        long size = ceil ? Math.floorDiv(span + s - 1, s) + 1 : span / s + 1;
                        // PyTorch drops a last window that starts in the right padding
                        if (ceil && (size - 1) * s >= n + p) {
                            size--;
                        }
                        if (size == m) {
                            out.add(new Window(k, s, p, ceil));
                        }
                    }
                }
            }
        }
        out.sort(
                (a, b) -> {
                    int c = Boolean.compare(a.stride() != a.kernel(), b.stride() != b.kernel());
                    if (c != 0) {
                        return c;
                    }
                    c = Long.compare(a.pad(), b.pad());
                    return c != 0 ? c : Boolean.compare(a.ceil(), b.ceil());
                });
        return out;
    }

    private static NDArray maxPool(NDArray x, int d, Shape k, Shape s, Shape p, boolean ceil) {
        switch (d) {
            case 1:
                return Pool.maxPool1d(x, k, s, p, ceil);
            case 2:
                return Pool.maxPool2d(x, k, s, p, ceil);
            default:
                return Pool.maxPool3d(x, k, s, p, ceil);
        }
    }

    private static NDArray avgPool(
            NDArray x, int d, Shape k, Shape s, Shape p, boolean ceil, boolean includePad) {
        switch (d) {
            case 1:
                return Pool.avgPool1d(x, k, s, p, ceil, includePad);
            case 2:
                return Pool.avgPool2d(x, k, s, p, ceil, includePad);
            default:
                return Pool.avgPool3d(x, k, s, p, ceil, includePad);
        }
    }

    private static Emitter pool(
            String op, Shape k, Shape s, Shape p, boolean ceil, Boolean includePad) {
        return (ctx, inputs, out, path) -> {
            long[] pads = new long[2 * p.dimension()];
            for (int i = 0; i < p.dimension(); i++) {
                pads[i] = p.get(i);
                pads[i + p.dimension()] = p.get(i);
            }
            ExportContext.Node n =
                    ctx.node(op, path)
                            .input(inputs.get(0))
                            .attribute("kernel_shape", k.getShape())
                            .attribute("strides", s.getShape())
                            .attribute("pads", pads)
                            .attribute("ceil_mode", ceil ? 1L : 0L);
            if (includePad != null) {
                n.attribute("count_include_pad", includePad ? 1L : 0L);
            }
            return n.output(out);
        };
    }
}
