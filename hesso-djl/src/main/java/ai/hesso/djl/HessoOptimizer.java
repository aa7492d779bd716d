package ai.hesso.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.util.Pair;
import ai.hesso.core.HessoDriver;
import ai.hesso.core.HessoMetrics;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.Phase;
import ai.hesso.core.StepContext;
import ai.hesso.core.StepPlan;
import ai.hesso.core.cric.CricSettings;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.saliency.ChannelStatistics;
import ai.hesso.core.saliency.SaliencyMix;
import ai.hesso.core.variant.Variant;
import ai.hesso.core.variant.VariantSettings;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HESSO, the Hybrid Efficient Structured Sparse Optimizer (Chen et al., "HESSO: Towards Automatic
 * Efficient and User Friendly Any Neural Network Training and Pruning", arXiv 2409.09085), as a DJL
 * {@link Optimizer}. Train once and the redundant channels of the model's node groups end up
 * exactly zero, ready for a compact network.
 *
 * <p>Each step, for every trainable tensor {@code x} with gradient {@code g}:
 *
 * <ol>
 *   <li>{@code g} is rescaled by {@code rescaleGrad} and clipped to {@code [-clipGrad, clipGrad]}
 *       (DJL 0.29's own PyTorch optimizers clip only from above; we clip both sides);
 *   <li>the variant's direction {@code d}: SGD {@code buf = mu buf + (1 - tau)(g + wd x)} (the
 *       first buffer is {@code g + wd x}); Adam {@code (m / (1 - b1^k)) / (sqrt(v / (1 - b2^k)) +
 *       eps)} with zero-initialised moments of {@code g + wd x}; AdamW the same moments of {@code
 *       g} and {@code x <- x - lr wd x} first;
 *   <li>{@code x <- x - lr d}, then the rows of the current redundant channels are multiplied by
 *       {@code (Tp - t - 1) / (Tp - t)} and pruned rows set to zero, as planned by {@link
 *       HessoDriver} (periods, quotas, saliency, CRIC).
 * </ol>
 *
 * <p>On float32 tensors without gradient clipping, Adam and AdamW run as one call of DJL's fused
 * Adam kernel, given {@code eps sqrt(1 - b2^k)} so that it computes the formula above exactly;
 * other cases take the op-by-op path. Steps are counted by the optimizer from 1; the learning rate
 * tracker is asked with that step. Adam's {@code eps} is added after bias correction (as the
 * specification and PyTorch do); DJL's own {@code Adam} adds it before, a tiny difference.
 * Gradients are cleared after each update, as DJL's own optimizers do natively.
 *
 * <p>Usage: build with {@link Hesso#builder()}, pass to {@code DefaultTrainingConfig.optOptimizer},
 * and add {@link #trainingListener()} for the loss (CRIC) and per-epoch metrics. Node groups are
 * resolved at the first update, when the block is initialized.
 */
public final class HessoOptimizer extends Optimizer implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(HessoOptimizer.class);

    private final ParameterTracker learningRateTracker;
    private final Double learningRate;
    private final VariantSettings variant;
    private final HessoSettings settings;
    private final Block block;
    private final NodeGroupSource groupSource;
    private final boolean failIfNothingToPrune;
    private NDManager stateManager;
    private final StepBoundary boundary = new StepBoundary();
    private RowMasks rowMasks;
    private ParameterSnapshot snapshot;
    private final Map<String, DirectionState> directions = new HashMap<>();

    private HessoDriver driver;
    private Map<String, String> idToName;
    private Map<String, Parameter> parameters;
    private Map<String, MemberSlot> members;
    private StepPlan plan;
    private double pendingLoss = Double.NaN;
    private boolean closed;
    private boolean fuseAdam = true;

    /** Where a member tensor sits: its prunable group, the group's size and the channel axis. */
    private record MemberSlot(int group, int channels, GroupMember member) {}

    private HessoOptimizer(Builder builder) {
        super(builder);
        this.learningRateTracker = builder.learningRateTracker;
        this.learningRate = builder.learningRate;
        this.variant =
                new VariantSettings(
                        builder.variant,
                        builder.momentum,
                        builder.dampening,
                        builder.beta1,
                        builder.beta2,
                        builder.epsilon,
                        builder.weightDecay != null ? builder.weightDecay : getWeightDecay());
        this.settings = builder.settings.build();
        this.block = builder.block;
        this.groupSource = builder.groupSource;
        this.failIfNothingToPrune = builder.failIfNothingToPrune;
        if (!Float.isFinite(rescaleGrad) || rescaleGrad <= 0) {
            throw new IllegalArgumentException(
                    "rescaleGrad must be positive and finite, got " + rescaleGrad);
        }
    }

    /**
     * Hands this step's training loss to the optimizer. CRIC needs it every step; {@link
     * #trainingListener()} calls this for {@code EasyTrain}, a hand-written loop calls it after the
     * backward pass and before {@code trainer.step()}.
     *
     * @param loss the batch loss
     */
    public void setLoss(double loss) {
        this.pendingLoss = loss;
    }

    /**
     * Returns a listener that hands each batch's loss to this optimizer and logs its metrics at the
     * end of every epoch. Add it with {@code config.addTrainingListeners(..)}.
     *
     * @return the listener
     */
    public HessoTrainingListener trainingListener() {
        return new HessoTrainingListener(this);
    }

    /**
     * Returns the current metrics; empty counts before the first step.
     *
     * @return the metrics
     */
    public HessoMetrics metrics() {
        return driver == null
                ? new HessoMetrics(0, Phase.WARM_UP, 0, 0, 0, 0, 0, 0, 0, 0)
                : driver.metrics();
    }

    /**
     * Returns the driver, once the node groups have been resolved at the first update.
     *
     * @return the driver
     * @throws IllegalStateException before the first update
     */
    public HessoDriver driver() {
        if (driver == null) {
            throw new IllegalStateException(
                    "the node groups are resolved at the first update; train at least one step");
        }
        return driver;
    }

    /** Makes Adam take the op-by-op path even where the fused kernel applies, for tests. */
    void disableFusedAdam() {
        fuseAdam = false;
    }

    /** Returns the number of live arrays the optimizer holds (state, masks, snapshots). */
    int liveStateArrays() {
        return stateManager == null ? 0 : stateManager.getManagedArrays().size();
    }

    /**
     * Frees the optimizer's engine state (moments, masks, snapshots). It lives in a sub-manager of
     * the model's manager, so closing the model frees it too; close the optimizer to free it
     * earlier. Training with a closed optimizer fails.
     */
    @Override
    public void close() {
        closed = true;
        if (stateManager != null) {
            stateManager.close();
        }
    }

    /** {@inheritDoc} */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        if (closed) {
            throw new IllegalStateException("this HESSO optimizer was closed; build a new one");
        }
        if (driver == null) {
            resolve();
        }
        String name = idToName.get(parameterId);
        if (name == null) {
            throw new IllegalStateException(
                    "parameter id "
                            + parameterId
                            + " is not a parameter of the block given to setBlock(..); give"
                            + " HESSO the block being trained");
        }
        Device device = weight.getDevice();
        if (boundary.isFirstCallOfStep(parameterId, device)) {
            plan = driver.nextStep(new EngineStepContext(driver.step() + 1));
            pendingLoss = Double.NaN;
        }
        try (NDManager temp = NDManager.subManagerOf(weight)) {
            NDArray x = Aliases.on(weight, temp);
            if (plan.snapshot()) {
                snapshot.save(parameterId + '@' + device, x);
            }
            if (plan.restore()) {
                snapshot.restore(parameterId + '@' + device, x, temp);
            }
            boolean gradientCleared = false;
            if (plan.update()) {
                DirectionState state = direction(name, device);
                double lr =
                        learningRate != null
                                ? learningRate
                                : learningRateTracker.getNewValue(parameterId, plan.step());
                if (fuseAdam && state.canFuse(weight.getDataType())) {
                    // one engine call instead of a dozen: the hot path of Adam training
                    state.fusedAdamStep(weight, grad, plan.step(), lr);
                    gradientCleared = true;
                } else {
                    NDArray g = Aliases.on(grad, temp);
                    NDArray d = state.direction(x, g, plan.step(), true, temp);
                    if (variant.variant() == Variant.ADAMW && variant.weightDecay() > 0) {
                        x.subi(x.mul(lr * variant.weightDecay()));
                    }
                    x.subi(d.mul(lr));
                }
            }
            MemberSlot slot = members.get(name);
            if (slot != null) {
                NDArray multiplier =
                        rowMasks.multiplier(
                                plan,
                                slot.group(),
                                slot.channels(),
                                device,
                                weight.getDataType(),
                                slot.member().axis(),
                                weight.getShape().dimension());
                if (multiplier != null) {
                    x.muli(multiplier);
                }
            }
            if (!gradientCleared && weight.hasGradient()) {
                // DJL never clears gradients itself; its optimizers do it in their native update
                NDArray gradient = weight.getGradient();
                gradient.attach(temp);
                gradient.muli(0);
            }
        }
    }

    private DirectionState direction(String name, Device device) {
        return directions.computeIfAbsent(
                name + '@' + device,
                k -> new DirectionState(variant, rescaleGrad, clipGrad, stateManager));
    }

    /** Maps DJL's parameter ids to names and resolves the node groups, once. */
    private void resolve() {
        idToName = new HashMap<>();
        parameters = new LinkedHashMap<>();
        for (Pair<String, Parameter> pair : block.getParameters()) {
            idToName.put(pair.getValue().getId(), pair.getKey());
            parameters.put(pair.getKey(), pair.getValue());
        }
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException(
                    "the block given to setBlock(..) has no parameters; give HESSO the block being"
                            + " trained");
        }
        // the state lives and dies with the model's arrays
        stateManager =
                parameters.values().iterator().next().getArray().getManager().newSubManager();
        rowMasks = new RowMasks(stateManager);
        snapshot = new ParameterSnapshot(stateManager);
        List<NodeGroup> groups = groupSource.groups(block);
        NodeGroupValidation.check(groups, parameters);
        HessoDriver created = new HessoDriver(settings, groups);
        if (failIfNothingToPrune) {
            created.nothingToPruneReason()
                    .ifPresent(
                            reason -> {
                                throw new IllegalArgumentException(
                                        reason
                                                + " (or optFailIfNothingToPrune(false) to train"
                                                + " anyway)");
                            });
        }
        driver = created;
        members = new HashMap<>();
        ChannelIndex index = driver.channelIndex();
        for (int g = 0; g < index.prunableGroups().size(); g++) {
            NodeGroup group = index.prunableGroups().get(g);
            for (GroupMember member : group.members()) {
                members.put(member.tensor(), new MemberSlot(g, group.channels(), member));
            }
        }
        logger.info(
                "HESSO: {} node groups ({} prunable, {} channels, target {}) over {} parameters;"
                        + " {}",
                groups.size(),
                index.prunableGroups().size(),
                index.size(),
                driver.metrics().targetChannels(),
                parameters.size(),
                variant);
    }

    /** The engine side of one step: lazy statistics (with previewed directions) and the loss. */
    private final class EngineStepContext implements StepContext {
        private final int step;
        private ChannelStatistics statistics;

        EngineStepContext(int step) {
            this.step = step;
        }

        @Override
        public ChannelStatistics channelStatistics() {
            if (statistics == null) {
                Function<String, NDArray> values = name -> parameters.get(name).getArray();
                try (NDManager temp = stateManager.newSubManager()) {
                    statistics =
                            StatisticsReducer.reduce(
                                    driver.channelIndex(),
                                    values,
                                    (name, manager) -> previewDirection(name, manager),
                                    temp);
                }
            }
            return statistics;
        }

        private NDArray previewDirection(String name, NDManager temp) {
            NDArray weight = parameters.get(name).getArray();
            NDArray x = Aliases.on(weight, temp);
            NDArray g = weight.getGradient();
            g.attach(temp);
            return direction(name, weight.getDevice()).direction(x, g, step, false, temp);
        }

        @Override
        public double loss() {
            if (Double.isNaN(pendingLoss)) {
                throw new IllegalStateException(
                        "CRIC needs the training loss of step "
                                + step
                                + ": add optimizer.trainingListener() to the training config, or"
                                + " call optimizer.setLoss(loss) before trainer.step()");
            }
            return pendingLoss;
        }
    }

    /**
     * Starts a builder; {@link Hesso#builder()} is the same.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link HessoOptimizer}. Required: {@link #setLearningRateTracker} (or {@link
     * #setLearningRate}), {@link #setBlock}, and {@link #setPruningSteps} unless CRIC is on.
     * Everything else has a default: SGD without momentum, target group sparsity 0.5, no warm-up,
     * one period, {@code groupDivisible} 1, the default saliency mix, node groups found by
     * automatic discovery.
     */
    public static final class Builder extends OptimizerBuilder<Builder> {

        private ParameterTracker learningRateTracker;
        private Double learningRate;
        private Double weightDecay;
        private Variant variant = Variant.SGD;
        private double momentum;
        private double dampening;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;
        private Block block;
        private NodeGroupSource groupSource;
        private boolean failIfNothingToPrune = true;
        private final HessoSettings.Builder settings = HessoSettings.builder();

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the learning rate tracker, e.g. {@code Tracker.fixed(0.01f)}.
         *
         * @param tracker the tracker
         * @return this builder
         */
        public Builder setLearningRateTracker(ParameterTracker tracker) {
            this.learningRateTracker = tracker;
            return this;
        }

        /**
         * Sets a constant learning rate, kept in double precision (a {@code Tracker}'s values are
         * floats). Set either this or a tracker.
         *
         * @param learningRate finite, at least 0
         * @return this builder
         */
        public Builder setLearningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /**
         * Sets the weight decay in double precision; {@code optWeightDecays(float)} is DJL's float
         * setting of the same value.
         *
         * @param weightDecay finite, at least 0
         * @return this builder
         */
        public Builder optWeightDecays(double weightDecay) {
            this.weightDecay = weightDecay;
            return super.optWeightDecays((float) weightDecay);
        }

        /**
         * Sets the block being trained: its parameter names address the node groups.
         *
         * @param block the model's block
         * @return this builder
         */
        public Builder setBlock(Block block) {
            this.block = block;
            return this;
        }

        /**
         * Sets the update variant whose direction HESSO uses.
         *
         * @param variant SGD (default), ADAM or ADAMW
         * @return this builder
         */
        public Builder optVariant(Variant variant) {
            this.variant = Objects.requireNonNull(variant, "variant");
            return this;
        }

        /**
         * Sets SGD's momentum.
         *
         * @param momentum in {@code [0, 1)}, default 0
         * @return this builder
         */
        public Builder optMomentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        /**
         * Sets SGD's dampening.
         *
         * @param dampening in {@code [0, 1]}, default 0
         * @return this builder
         */
        public Builder optDampening(double dampening) {
            this.dampening = dampening;
            return this;
        }

        /**
         * Sets Adam's first-moment decay.
         *
         * @param beta1 in {@code [0, 1)}, default 0.9
         * @return this builder
         */
        public Builder optBeta1(double beta1) {
            this.beta1 = beta1;
            return this;
        }

        /**
         * Sets Adam's second-moment decay.
         *
         * @param beta2 in {@code [0, 1)}, default 0.999
         * @return this builder
         */
        public Builder optBeta2(double beta2) {
            this.beta2 = beta2;
            return this;
        }

        /**
         * Sets Adam's epsilon.
         *
         * @param epsilon positive, default 1e-8
         * @return this builder
         */
        public Builder optEpsilon(double epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /**
         * Sets the fraction of prunable channels to prune.
         *
         * @param sparsity in {@code [0, 1)}, default 0.5; 0 gives the plain variant
         * @return this builder
         */
        public Builder optTargetGroupSparsity(double sparsity) {
            settings.optTargetGroupSparsity(sparsity);
            return this;
        }

        /**
         * Sets the warm-up before pruning, in steps.
         *
         * @param step at least 0, default 0
         * @return this builder
         */
        public Builder optStartPruningStep(int step) {
            settings.optStartPruningStep(step);
            return this;
        }

        /**
         * Sets the steps over which all pruning periods run.
         *
         * @param steps at least the number of periods
         * @return this builder
         */
        public Builder setPruningSteps(int steps) {
            settings.setPruningSteps(steps);
            return this;
        }

        /**
         * Sets the number of pruning periods.
         *
         * @param periods at least 1, default 1
         * @return this builder
         */
        public Builder optPruningPeriods(int periods) {
            settings.optPruningPeriods(periods);
            return this;
        }

        /**
         * Sets the multiple that each node group's remaining channel count is rounded up to.
         *
         * @param q at least 1, default 1
         * @return this builder
         */
        public Builder optGroupDivisible(int q) {
            settings.optGroupDivisible(q);
            return this;
        }

        /**
         * Sets the saliency mix.
         *
         * @param mix e.g. {@link SaliencyMix#taylorOnly()}; default 0.2 for each criterion
         * @return this builder
         */
        public Builder optSaliency(SaliencyMix mix) {
            settings.optSaliency(mix);
            return this;
        }

        /**
         * Turns CRIC on. CRIC needs the loss of every step: add {@link #trainingListener()}.
         *
         * @param cric the CRIC settings
         * @return this builder
         */
        public Builder optCric(CricSettings cric) {
            settings.optCric(cric);
            return this;
        }

        /**
         * Gives the node groups by hand instead of discovering them. Member tensors are named by
         * their path in {@code block.getParameters()}, e.g. {@code 01Conv2d_weight}.
         *
         * @param groups the node groups
         * @return this builder
         */
        public Builder optNodeGroups(List<NodeGroup> groups) {
            List<NodeGroup> copy = List.copyOf(groups);
            this.groupSource = b -> copy;
            return this;
        }

        /**
         * Sets how node groups are found from the block at the first update.
         *
         * @param source the source of node groups
         * @return this builder
         */
        public Builder optNodeGroupSource(NodeGroupSource source) {
            this.groupSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Sets whether a positive target group sparsity that prunes no channel (no prunable node
         * group, or {@code floor(N * s) = 0}) fails at the first update. On by default, so a model
         * is never silently left unpruned; the replay tool turns it off to follow the
         * specification, which then trains plainly.
         *
         * @param fail whether to fail, default true
         * @return this builder
         */
        public Builder optFailIfNothingToPrune(boolean fail) {
            this.failIfNothingToPrune = fail;
            return this;
        }

        /**
         * Validates and builds the optimizer.
         *
         * @return the optimizer
         * @throws IllegalArgumentException naming the missing or bad setting
         */
        public HessoOptimizer build() {
            if ((learningRateTracker == null) == (learningRate == null)) {
                throw new IllegalArgumentException(
                        "set the learning rate once: either setLearningRateTracker(tracker) or"
                                + " setLearningRate(lr), got "
                                + (learningRate == null ? "neither" : "both"));
            }
            if (learningRate != null && !(learningRate >= 0 && Double.isFinite(learningRate))) {
                throw new IllegalArgumentException(
                        "learningRate must be finite and >= 0, got " + learningRate);
            }
            if (block == null) {
                throw new IllegalArgumentException(
                        "block is required: call setBlock(model.getBlock()) so HESSO can name"
                                + " the parameters");
            }
            if (groupSource == null) {
                groupSource = NodeGroupSource.discovery();
            }
            return new HessoOptimizer(this);
        }
    }
}
