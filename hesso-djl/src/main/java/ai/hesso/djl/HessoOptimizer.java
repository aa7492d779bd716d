package ai.hesso.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import ai.hesso.core.HessoDriver;
import ai.hesso.core.HessoMetrics;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.Phase;
import ai.hesso.core.StepPlan;
import ai.hesso.core.cost.CostModel;
import ai.hesso.core.cost.CostReport;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.variant.VariantSettings;
import ai.hesso.djl.cost.BlockMacs;
import ai.hesso.djl.engine.StepBoundary;
import ai.hesso.djl.engine.TensorSlot;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 *       first buffer is {@code g + wd x}); Adam {@code (m / (1 - b1^j)) / (sqrt(v / (1 - b2^j)) +
 *       eps)} with zero-initialised moments of {@code g + wd x}, {@code j} counting the updates
 *       that advanced the moments; AdamW the same moments of {@code g} and {@code x <- x - lr wd x}
 *       first;
 *   <li>{@code x <- x - lr d}, then the rows of the current redundant channels are multiplied by
 *       {@code (Tp - t - 1) / (Tp - t)} and pruned rows set to zero, as planned by {@link
 *       HessoDriver} (periods, quotas, saliency, CRIC).
 * </ol>
 *
 * <p>This class is the adapter: it maps DJL's {@code update(parameterId, weight, grad)} calls to a
 * {@link TensorSlot} (parameter path and device), detects where a step begins, asks the driver for
 * the step's plan once, and hands each tensor to the {@link ai.hesso.djl.engine.PlanExecutor},
 * which does the tensor math and owns the engine state. On float32 tensors without gradient
 * clipping, Adam and AdamW run as one call of DJL's fused Adam kernel (given {@code eps sqrt(1 -
 * b2^j)}, so it computes the formula above exactly). Steps are counted by the optimizer from 1; the
 * learning rate tracker is asked with that step. Adam's {@code eps} is added after bias correction
 * (as the specification and PyTorch do); DJL's own {@code Adam} adds it before, a tiny difference.
 *
 * <p>Usage: build with {@link Hesso#builder()}, pass to {@code DefaultTrainingConfig.optOptimizer},
 * and add {@link #trainingListener()} for the loss (CRIC) and per-epoch metrics. Node groups are
 * resolved at the first update, when the block is initialized.
 */
public final class HessoOptimizer extends Optimizer implements AutoCloseable {

    private final ParameterTracker learningRateTracker;
    private final Double learningRate;
    private final TrainingRun.Setup setup;
    private final StepBoundary boundary = new StepBoundary();
    private boolean fuseAdam = true;
    private TrainingRun run;
    private double pendingLoss = Double.NaN;
    private boolean closed;

    private HessoOptimizer(Builder builder) {
        super(builder);
        this.learningRateTracker = builder.learningRateTracker;
        this.learningRate = builder.learningRate;
        this.setup =
                new TrainingRun.Setup(
                        builder.block,
                        builder.groupSource,
                        builder.pruning,
                        builder.variant,
                        rescaleGrad,
                        clipGrad,
                        builder.failIfNothingToPrune,
                        builder.costModel);
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
        return run == null
                ? new HessoMetrics(0, Phase.WARM_UP, 0, 0, 0, 0, 0, 0, 0, 0)
                : run.driver().metrics();
    }

    /**
     * Returns where a MAC budget stands ({@code HessoSettings.Builder#optTargetMacs}): the dense
     * MACs per sample, the MACs without the pruned channels (what the compact model will cost), the
     * target.
     *
     * @return the report; empty with a group sparsity target or before the first step
     */
    public Optional<CostReport> costReport() {
        return run == null ? Optional.empty() : run.driver().costReport();
    }

    /**
     * Returns the driver, once the node groups have been resolved at the first update.
     *
     * @return the driver
     * @throws IllegalStateException before the first update
     */
    public HessoDriver driver() {
        if (run == null) {
            throw new IllegalStateException(
                    "the node groups are resolved at the first update; train at least one step");
        }
        return run.driver();
    }

    /** Returns the loss handed over for the coming step, NaN when none was, for tests. */
    double pendingLoss() {
        return pendingLoss;
    }

    /** Makes Adam take the op-by-op path even where the fused kernel applies, for tests. */
    void disableFusedAdam() {
        fuseAdam = false;
    }

    /** Returns the number of live arrays the optimizer holds (state, masks, snapshots). */
    int liveStateArrays() {
        return run == null ? 0 : run.executor().liveArrays();
    }

    /**
     * Frees the optimizer's engine state (moments, masks, snapshots). It lives in a sub-manager of
     * the model's manager, so closing the model frees it too; close the optimizer to free it
     * earlier. Training with a closed optimizer fails.
     */
    @Override
    public void close() {
        closed = true;
        if (run != null) {
            run.close();
        }
    }

    /** {@inheritDoc} */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        if (closed) {
            throw new IllegalStateException("this HESSO optimizer was closed; build a new one");
        }
        if (run == null) {
            run = TrainingRun.start(setup, fuseAdam);
        }
        TensorSlot slot = run.slot(parameterId, weight.getDevice());
        if (boundary.isFirstCallOfStep(slot)) {
            run.nextStep(this::loss);
            pendingLoss = Double.NaN;
        }
        StepPlan plan = run.plan();
        run.executor()
                .execute(
                        plan,
                        slot,
                        weight,
                        grad,
                        () ->
                                learningRate != null
                                        ? learningRate
                                        : learningRateTracker.getNewValue(
                                                parameterId, plan.step()));
    }

    private double loss() {
        if (Double.isNaN(pendingLoss)) {
            throw new IllegalStateException(
                    "CRIC needs the training loss of step "
                            + (run.driver().step() + 1)
                            + ": add optimizer.trainingListener() to the training config, or"
                            + " call optimizer.setLoss(loss) before trainer.step()");
        }
        return pendingLoss;
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
     * #setLearningRate}), {@link #setBlock} and {@link #setPruning}. Optional: {@link #optVariant}
     * (default plain SGD), the node groups (default: automatic discovery), DJL's {@code
     * setRescaleGrad} and {@code optClipGrad}. Weight decay is part of the variant's settings, in
     * double precision; DJL's float {@code optWeightDecays} is refused so that there is one way to
     * set it.
     */
    public static final class Builder extends OptimizerBuilder<Builder> {

        private ParameterTracker learningRateTracker;
        private Double learningRate;
        private HessoSettings pruning;
        private VariantSettings variant = VariantSettings.sgd(0, 0, 0);
        private Float djlWeightDecay;
        private Block block;
        private NodeGroupSource groupSource;
        private boolean failIfNothingToPrune = true;
        private CostModel costModel;

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
         * Refused at {@link #build()}: weight decay is set, in double precision, with the variant
         * ({@link #optVariant}, e.g. {@code VariantSettings.sgd(0.9, 0, 1e-4)}).
         *
         * @param weightDecays DJL's float weight decay
         * @return this builder
         */
        @Override
        public Builder optWeightDecays(float weightDecays) {
            this.djlWeightDecay = weightDecays;
            return this;
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
         * Sets the pruning settings: target group sparsity, warm-up, periods, {@code
         * groupDivisible}, saliency mix, or CRIC.
         *
         * @param pruning e.g. {@code HessoSettings.builder().optTargetGroupSparsity(0.5)
         *     .optStartPruningStep(100).setPruningSteps(400).optPruningPeriods(5).build()}
         * @return this builder
         */
        public Builder setPruning(HessoSettings pruning) {
            this.pruning = Objects.requireNonNull(pruning, "pruning");
            return this;
        }

        /**
         * Sets the update variant whose direction HESSO uses, with its weight decay.
         *
         * @param variant e.g. {@code VariantSettings.sgd(0.9, 0, 1e-4)} or {@code
         *     VariantSettings.adam(Variant.ADAMW, 0.9, 0.999, 0.01)}; default plain SGD without
         *     momentum or decay
         * @return this builder
         */
        public Builder optVariant(VariantSettings variant) {
            this.variant = Objects.requireNonNull(variant, "variant");
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
         * Gives the cost model that a MAC budget ({@code HessoSettings.Builder#optTargetMacs}) is
         * spent against. By default it is built at the first update from the block and the input
         * shapes it was initialized with ({@link BlockMacs#of(Block, Shape...)}); give one to
         * budget another input shape ({@code BlockMacs.of(block, shape)}) or your own cost. Not
         * used with a group sparsity target.
         *
         * @param costModel the cost model, its node group names those of the node groups
         * @return this builder
         */
        public Builder optCostModel(CostModel costModel) {
            this.costModel = Objects.requireNonNull(costModel, "costModel");
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
            if (pruning == null) {
                throw new IllegalArgumentException(
                        "pruning settings are required: call setPruning(HessoSettings.builder()"
                                + ".optTargetGroupSparsity(s).setPruningSteps(steps)...build())");
            }
            if (djlWeightDecay != null) {
                throw new IllegalArgumentException(
                        "optWeightDecays("
                                + djlWeightDecay
                                + "f) is not used by HESSO: set the weight decay with the variant,"
                                + " in double precision, e.g. optVariant(VariantSettings.sgd("
                                + "momentum, dampening, weightDecay))");
            }
            if (groupSource == null) {
                groupSource = NodeGroupSource.discovery();
            }
            return new HessoOptimizer(this);
        }
    }
}
