package ai.hesso.core.reference;

import ai.hesso.core.HessoDriver;
import ai.hesso.core.StepContext;
import ai.hesso.core.StepPlan;
import ai.hesso.core.group.ChannelAxis;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.MemberShapes;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.identification.ChannelMasks;
import ai.hesso.core.saliency.ChannelStatistics;
import ai.hesso.core.variant.ReferenceDirection;
import ai.hesso.core.variant.Variant;
import ai.hesso.core.variant.VariantSettings;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a {@link HessoDriver} on tensors held as Java arrays: each {@link #step} computes the
 * directions, asks the driver for its plan and executes it (snapshot, restore, {@code x <- x - lr *
 * d}, row projection and zeroing) in double precision.
 */
public final class ReferenceEngine {

    private final HessoDriver driver;
    private final VariantSettings variant;
    private final double learningRate;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final Map<String, ReferenceDirection> directions = new HashMap<>();
    private Map<String, double[]> snapshot;

    /**
     * A tensor: its shape and row-major values.
     *
     * @param shape the shape
     * @param values the values, row-major, product of the shape long
     */
    public record Tensor(int[] shape, double[] values) {

        /**
         * Checks that the values fit the shape.
         *
         * @param shape the shape
         * @param values the values
         */
        public Tensor {
            int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            if (size != values.length) {
                throw new IllegalArgumentException(
                        "shape "
                                + Arrays.toString(shape)
                                + " needs "
                                + size
                                + " values, got "
                                + values.length);
            }
        }
    }

    /**
     * Creates the engine. The tensors are copied.
     *
     * @param driver the driver, whose node groups name tensors given here
     * @param variant the update variant
     * @param learningRate the constant learning rate
     * @param tensors the trainable tensors by name
     */
    public ReferenceEngine(
            HessoDriver driver,
            VariantSettings variant,
            double learningRate,
            Map<String, Tensor> tensors) {
        this.driver = Objects.requireNonNull(driver, "driver");
        this.variant = Objects.requireNonNull(variant, "variant");
        this.learningRate = learningRate;
        tensors.forEach(
                (name, t) -> this.tensors.put(name, new Tensor(t.shape(), t.values().clone())));
        for (NodeGroup group : driver.channelIndex().allGroups()) {
            for (GroupMember member : group.members()) {
                Tensor tensor = this.tensors.get(member.tensor());
                if (tensor == null) {
                    throw new IllegalArgumentException(
                            "node group '"
                                    + group.name()
                                    + "' names tensor '"
                                    + member.tensor()
                                    + "', which is not among "
                                    + this.tensors.keySet());
                }
                MemberShapes.check(group, member, tensor.shape());
            }
        }
    }

    /**
     * Runs one step.
     *
     * @param gradients the gradient of every tensor, by name
     * @param loss the step's loss, or NaN when unknown (CRIC needs it)
     * @return the plan that was executed
     */
    public StepPlan step(Map<String, double[]> gradients, double loss) {
        int step = driver.step() + 1;
        StepContext context =
                new StepContext() {
                    @Override
                    public ChannelStatistics channelStatistics() {
                        return statistics(directions(gradients, step, false));
                    }

                    @Override
                    public double loss() {
                        if (Double.isNaN(loss)) {
                            throw new IllegalStateException("no loss was given for step " + step);
                        }
                        return loss;
                    }
                };
        StepPlan plan = driver.nextStep(context);
        if (plan.snapshot()) {
            snapshot = new HashMap<>();
            tensors.forEach((name, t) -> snapshot.put(name, t.values().clone()));
        }
        if (plan.restore()) {
            tensors.forEach(
                    (name, t) ->
                            System.arraycopy(
                                    snapshot.get(name), 0, t.values(), 0, t.values().length));
        }
        if (plan.update()) {
            Map<String, double[]> stepDirections = directions(gradients, step, true);
            for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
                double[] x = entry.getValue().values();
                double[] d = stepDirections.get(entry.getKey());
                for (int i = 0; i < x.length; i++) {
                    if (variant.variant() == Variant.ADAMW) {
                        x[i] -= learningRate * variant.weightDecay() * x[i];
                    }
                    x[i] -= learningRate * d[i];
                }
            }
        }
        applyMasks(plan);
        return plan;
    }

    /**
     * Returns the driver this engine executes.
     *
     * @return the driver
     */
    public HessoDriver driver() {
        return driver;
    }

    /**
     * Returns a copy of a tensor's current values.
     *
     * @param name the tensor name
     * @return the values, row-major
     */
    public double[] values(String name) {
        return tensors.get(name).values().clone();
    }

    /**
     * Returns the Euclidean norm of one channel's rows over all members of a node group.
     *
     * @param group the node group
     * @param channel the local channel index
     * @return the norm
     */
    public double channelNorm(NodeGroup group, int channel) {
        double sum = 0;
        for (GroupMember member : group.members()) {
            for (int i : rowIndices(member, group.channels(), channel)) {
                double v = tensors.get(member.tensor()).values()[i];
                sum += v * v;
            }
        }
        return Math.sqrt(sum);
    }

    /**
     * Computes every tensor's direction for a step: previewed for the statistics (the state is
     * untouched), committed for the update (the state advances once).
     */
    private Map<String, double[]> directions(
            Map<String, double[]> gradients, int step, boolean commit) {
        Map<String, double[]> out = new HashMap<>();
        for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
            double[] gradient = gradients.get(entry.getKey());
            if (gradient == null || gradient.length != entry.getValue().values().length) {
                throw new IllegalArgumentException(
                        "step "
                                + step
                                + " needs a gradient of "
                                + entry.getValue().values().length
                                + " values for tensor '"
                                + entry.getKey()
                                + "'");
            }
            ReferenceDirection direction =
                    directions.computeIfAbsent(
                            entry.getKey(), k -> new ReferenceDirection(variant));
            out.put(
                    entry.getKey(),
                    direction.direction(entry.getValue().values(), gradient, commit));
        }
        return out;
    }

    private ChannelStatistics statistics(Map<String, double[]> stepDirections) {
        ChannelIndex index = driver.channelIndex();
        int n = index.size();
        double[] valueSquares = new double[n];
        double[] directionSquares = new double[n];
        double[] dot = new double[n];
        double[] rowLengths = new double[n];
        for (int g = 0; g < index.prunableGroups().size(); g++) {
            NodeGroup group = index.prunableGroups().get(g);
            for (int c = 0; c < group.channels(); c++) {
                int global = index.offset(g) + c;
                for (GroupMember member : group.members()) {
                    double[] x = tensors.get(member.tensor()).values();
                    double[] d = stepDirections.get(member.tensor());
                    int[] rows = rowIndices(member, group.channels(), c);
                    rowLengths[global] += rows.length;
                    for (int i : rows) {
                        valueSquares[global] += x[i] * x[i];
                        directionSquares[global] += d[i] * d[i];
                        dot[global] += x[i] * d[i];
                    }
                }
            }
        }
        return new ChannelStatistics(valueSquares, directionSquares, dot, rowLengths);
    }

    private void applyMasks(StepPlan plan) {
        ChannelIndex index = driver.channelIndex();
        ChannelMasks masks = plan.masks();
        for (int g = 0; g < index.prunableGroups().size(); g++) {
            NodeGroup group = index.prunableGroups().get(g);
            for (GroupMember member : group.members()) {
                double[] x = tensors.get(member.tensor()).values();
                for (int c : masks.redundant(g)) {
                    for (int i : rowIndices(member, group.channels(), c)) {
                        x[i] *= plan.redundantFactor();
                    }
                }
                for (int c : masks.pruned(g)) {
                    for (int i : rowIndices(member, group.channels(), c)) {
                        x[i] = 0.0;
                    }
                }
            }
        }
    }

    /** Returns the flat indices of channel {@code c}'s row in a member tensor. */
    private int[] rowIndices(GroupMember member, int channels, int c) {
        int[] shape = tensors.get(member.tensor()).shape();
        int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (member.axis() == ChannelAxis.FIRST) {
            int m = size / channels;
            int[] rows = new int[m];
            for (int i = 0; i < m; i++) {
                rows[i] = c * m + i;
            }
            return rows;
        }
        int outer = shape[0];
        int inner = size / (outer * channels);
        int[] rows = new int[outer * inner];
        for (int a = 0; a < outer; a++) {
            for (int r = 0; r < inner; r++) {
                rows[a * inner + r] = a * channels * inner + c * inner + r;
            }
        }
        return rows;
    }
}
