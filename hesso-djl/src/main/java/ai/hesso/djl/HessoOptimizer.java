package ai.hesso.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import ai.hesso.core.ChannelState;
import ai.hesso.core.HessoDriver;
import ai.hesso.core.HessoMetrics;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.Phase;
import ai.hesso.core.PruningEnd;
import ai.hesso.core.StepPlan;
import ai.hesso.core.cost.CostModel;
import ai.hesso.core.cost.CostReport;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.variant.Variant;
import ai.hesso.core.variant.VariantSettings;
import ai.hesso.djl.checkpoint.HessoCheckpoint;
import ai.hesso.djl.checkpoint.HessoCheckpoints;
import ai.hesso.djl.compact.CompactModel;
import ai.hesso.djl.compact.Compaction;
import ai.hesso.djl.compact.CompactionOptions;
import ai.hesso.djl.cost.BlockMacs;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.engine.StepBoundary;
import ai.hesso.djl.engine.TensorSlot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>Usage: build with {@link Hesso#sgd()}, {@link Hesso#adam()} or {@link Hesso#adamW()}, pass to
 * {@code DefaultTrainingConfig.optOptimizer}, and add {@link #trainingListener()} for the loss
 * (CRIC) and per-epoch metrics. Node groups are resolved at the first update, when the block is
 * initialized. Once pruning is complete, the optimizer answers for the model it trained: {@link
 * #prunedChannels()}, and {@link #compact()} builds the compact model from its own node groups and
 * the block's input shapes.
 *
 * <p>Reliability: at the first update of every step the loss and every gradient are checked finite
 * (one sum per gradient on the engine); a bad step is skipped whole, or fails, as the {@link
 * NonFinitePolicy} says. Pruned channels stay exactly zero: their gradient rows are cleared every
 * step and their rows of the momentum or moments once they are pruned. The pruned count is checked
 * against the arrays whenever the masks change ({@link HessoMetrics#verifiedZero()}). The whole
 * state is saved with {@link #checkpoint()} and continued with {@link #resume}, bit for bit; {@link
 * HessoCheckpoints} does it with the model's parameters in one call.
 */
public final class HessoOptimizer extends Optimizer implements AutoCloseable {

    private final ParameterTracker learningRateTracker;
    private final Double learningRate;
    private final TrainingRun.Setup setup;
    private final StepBoundary boundary = new StepBoundary();
    private boolean fuseAdam = true;
    private TrainingRun run;
    private HessoCheckpoint pendingResume;
    // restored from pendingResume when read before the first step, then continued by the run
    private HessoDriver resumedDriver;
    private int resumedEpoch;
    // discovered from the loaded block when compact() is called after resume, before any step
    private DiscoveryReport resumedReport;
    private double pendingLoss;
    private boolean lossGiven;
    private boolean stepTaken;
    private boolean closed;

    private HessoOptimizer(Builder builder) {
        super(builder);
        this.learningRateTracker = builder.learningRateTracker;
        this.learningRate = builder.learningRate;
        if (!Float.isFinite(rescaleGrad) || rescaleGrad <= 0) {
            throw new IllegalArgumentException(
                    "rescaleGrad must be positive and finite, got " + rescaleGrad);
        }
        // DJL's convention: a negative clipGrad (the default, -1) means no clipping
        if (clipGrad == 0 || Float.isNaN(clipGrad) || clipGrad == Float.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(
                    "clipGrad must be positive and finite to clip, or negative (the default, -1)"
                            + " for no clipping, got "
                            + clipGrad
                            + (clipGrad == 0 ? " (a clip of 0 would zero every gradient)" : ""));
        }
        this.setup =
                new TrainingRun.Setup(
                        builder.block,
                        builder.groupSource,
                        builder.pruning,
                        builder.variant,
                        rescaleGrad,
                        clipGrad,
                        builder.failIfNothingToPrune,
                        builder.nonFinitePolicy,
                        builder.maxConsecutiveSkips,
                        builder.totalSteps,
                        builder.costModel,
                        builder.stepTimings);
    }

    /**
     * Hands this step's training loss to the optimizer. CRIC needs it every step, and a non-finite
     * loss makes the step a non-finite one ({@link NonFinitePolicy}); {@link #trainingListener()}
     * calls this for {@code EasyTrain}, a hand-written loop calls it after the backward pass and
     * before {@code trainer.step()}.
     *
     * @param loss the batch loss
     */
    public void setLoss(double loss) {
        this.pendingLoss = loss;
        this.lossGiven = true;
    }

    /**
     * Captures the whole HESSO state, to be continued exactly by another optimizer with the same
     * settings on the same model: call it between two steps (after {@code trainer.step()}, e.g. at
     * the end of an epoch). The model's parameters are not part of it; save them with {@code
     * model.save}, or use {@link HessoCheckpoints}, which saves both.
     *
     * @return the checkpoint; write it with {@link HessoCheckpoint#write}
     * @throws IllegalStateException before the first step, when there is nothing to capture
     */
    public HessoCheckpoint checkpoint() {
        if (run == null) {
            if (pendingResume != null) {
                return pendingResume;
            }
            throw new IllegalStateException(
                    "nothing to checkpoint before the first step: the node groups are resolved at"
                            + " the first update");
        }
        return run.checkpoint(setup.fingerprint());
    }

    /**
     * Continues a saved run: the next step is the step after the checkpoint's, with its channel
     * states, schedule position, CRIC progress, momentum or Adam moments and snapshots. Call it
     * before the first step, with the model's parameters loaded from the same point of the run
     * ({@link HessoCheckpoints#resume} does both). The settings are checked now; the node groups
     * and tensor shapes at the first update, when the block is known. From now on {@link
     * #metrics()}, {@link #driver()} (its pruned channels), {@link #pruningComplete()} and {@link
     * #costReport()} read the checkpoint's state, before any further step.
     *
     * @param checkpoint the saved state, e.g. {@code HessoCheckpoint.read(path)}
     * @throws IllegalArgumentException naming every setting that differs from the saved run's
     * @throws IllegalStateException if this optimizer has already taken a step
     */
    public void resume(HessoCheckpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        if (run != null) {
            throw new IllegalStateException(
                    "resume(..) must come before the first step; this optimizer is at step "
                            + run.driver().step()
                            + ". Build a new optimizer to resume");
        }
        checkpoint.checkSettings(setup.fingerprint());
        this.pendingResume = checkpoint;
        this.resumedDriver = null;
        this.resumedReport = null;
        this.resumedEpoch = checkpoint.epoch();
    }

    /**
     * Returns the epoch label of the checkpoint this optimizer resumed from, so that checkpoint
     * listeners keep counting epochs where the saved run stopped.
     *
     * @return the epoch, 0 for a fresh run
     */
    public int resumedEpoch() {
        return resumedEpoch;
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
     * Returns the bytes of the optimizer's state on the engine, for memory planning: the momentum
     * buffer (SGD) or Adam's two moments, one scalar per trainable scalar each; the 0/1 masks and
     * multipliers of the prunable groups while channels are redundant or pruned; CRIC's snapshot of
     * the parameters during its probes and cycles. Arrays made and freed within a step are not
     * counted.
     *
     * @return the bytes, 0 before the first update
     */
    public long stateBytes() {
        return run == null ? 0 : run.stateBytes();
    }

    /**
     * Returns the current metrics: after {@link #resume} and before the next step, those of the
     * checkpoint (its pruned channels checked against the block's arrays once they are loaded);
     * empty counts before the first step of a fresh run.
     *
     * @return the metrics
     * @throws IllegalArgumentException after {@link #resume}, if the checkpoint's state does not
     *     fit the settings
     */
    public HessoMetrics metrics() {
        if (run != null) {
            return run.metrics();
        }
        if (pendingResume != null) {
            return TrainingRun.resumedMetrics(resumedDriver(), pendingResume, setup.block());
        }
        return new HessoMetrics(0, Phase.WARM_UP, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /**
     * Whether pruning is complete: every channel the run prunes is pruned and stays exactly zero,
     * so the model is ready to be compacted ({@link HessoDriver#pruningComplete()}: all periods
     * ended, or CRIC's vote taken and its hybrid phase over). False before the first step of a
     * fresh run; after {@link #resume}, the checkpoint's answer.
     *
     * @return whether pruning is complete
     */
    public boolean pruningComplete() {
        return (run != null || pendingResume != null) && driver().pruningComplete();
    }

    /**
     * Returns where the steps' time went, by phase, when {@link Builder#optStepTimings} switched
     * the timings on: see {@link StepTimings} for the phases.
     *
     * @return the timings of the steps taken so far; empty before the first step or when off
     */
    public Optional<StepTimings> stepTimings() {
        if (run == null || !run.executor().clock().isOn()) {
            return Optional.empty();
        }
        return Optional.of(
                new StepTimings(run.executor().clock().steps(), run.executor().clock().totals()));
    }

    /**
     * Says when pruning completes: the step at which the last period ends, or for CRIC the bounds
     * its remaining cycles and hybrid phase allow.
     *
     * @return when pruning completes, as the driver computes it now
     * @throws IllegalStateException before the first update of a fresh run
     */
    public PruningEnd pruningEnd() {
        return driver().pruningEnd();
    }

    /**
     * Returns the state of every channel of every prunable node group now: {@code IMPORTANT}
     * (kept), {@code REDUNDANT} (being projected to zero in the current period, or zeroed by a CRIC
     * probe or cycle) or {@code PRUNED} (exactly zero for good).
     *
     * @return an insertion-ordered map from prunable node group name to its channels' states, by
     *     local index
     * @throws IllegalStateException before the first update of a fresh run
     */
    public Map<String, ChannelState[]> channelStates() {
        HessoDriver driver = driver();
        Map<String, ChannelState[]> states = new LinkedHashMap<>();
        List<NodeGroup> groups = driver.channelIndex().prunableGroups();
        for (int g = 0; g < groups.size(); g++) {
            ChannelState[] group = new ChannelState[groups.get(g).channels()];
            int offset = driver.channelIndex().offset(g);
            for (int c = 0; c < group.length; c++) {
                group[c] = driver.state(offset + c);
            }
            states.put(groups.get(g).name(), group);
        }
        return states;
    }

    /**
     * Returns where a MAC budget stands ({@code HessoSettings.Builder#optTargetMacs}): the dense
     * MACs per sample, the MACs without the pruned channels (what the compact model will cost), the
     * target.
     *
     * @return the report; empty with a group sparsity target or before the first step of a fresh
     *     run
     */
    public Optional<CostReport> costReport() {
        return run == null && pendingResume == null ? Optional.empty() : driver().costReport();
    }

    /**
     * Returns the node groups of this run, as discovered or given: every group discovery found (or
     * the ones given by hand), prunable or not.
     *
     * @return the node groups
     * @throws IllegalStateException before the first update of a fresh run
     * @throws IllegalArgumentException after {@link #resume}, if the checkpoint's state does not
     *     fit the settings
     */
    public List<NodeGroup> nodeGroups() {
        return driver().channelIndex().allGroups();
    }

    /**
     * Returns the driver, the core's state machine, for this package and its tests: users read
     * {@link #metrics()}, {@link #prunedChannels()} and {@link #nodeGroups()}. It exists once the
     * node groups have been resolved at the first update, or, after {@link #resume}, as restored
     * from the checkpoint (the same driver then continues at the first update).
     */
    HessoDriver driver() {
        if (run != null) {
            return run.driver();
        }
        if (pendingResume != null) {
            return resumedDriver();
        }
        throw new IllegalStateException(
                "the node groups are resolved at the first update; train at least one step");
    }

    /**
     * Returns the channels this run has pruned, by node group: what a compact model leaves out.
     * After {@link #resume}, the checkpoint's, before any further step.
     *
     * @return an insertion-ordered map from prunable node group name to its pruned channels,
     *     ascending local indices (empty arrays for a group with none pruned)
     * @throws IllegalStateException before the first update of a fresh run
     */
    public Map<String, int[]> prunedChannels() {
        return driver().prunedChannels();
    }

    /**
     * Builds the compact model of the block this optimizer trained: the same architecture without
     * its pruned channels, initialized with the input shapes the block was initialized with, every
     * kept value copied. It uses the node groups the optimizer discovered, so there is no second
     * discovery; see {@link #compact(CompactionOptions)} for what is checked.
     *
     * @return the compact model; close it to free its arrays
     * @throws IllegalStateException if pruning has not completed ({@link #pruningComplete()}), if
     *     the optimizer was given its node groups by hand, or as {@link
     *     #compact(CompactionOptions)}
     * @throws ai.hesso.djl.compact.CompactionException naming the block path and class of a block
     *     it cannot rebuild
     */
    public CompactModel compact() {
        return compact(CompactionOptions.defaults());
    }

    /**
     * Builds the compact model of the block this optimizer trained, removing exactly its pruned
     * channels ({@link #prunedChannels()}): {@link Compaction#compact(Block, DiscoveryReport,
     * HessoOptimizer, CompactionOptions, Shape...)} with the optimizer's own block, discovery
     * report and input shapes. An unfinished run is refused unless the options allow it; every
     * removed channel must be exactly zero in the block's arrays. After {@link #resume} (e.g.
     * {@link HessoCheckpoints#resume}) of a finished run it works before any further step: the
     * block, its parameters loaded, is discovered once with the optimizer's discovery settings.
     *
     * @param options whether an unfinished run is allowed
     * @return the compact model; close it to free its arrays
     * @throws IllegalStateException if pruning has not completed and the options do not allow it,
     *     naming the step the run is at and when pruning completes; before the first step of a
     *     fresh run; if the block has no input shapes (not initialized, nor loaded); if a pruned
     *     channel is not exactly zero in the block's arrays; or if the node groups were given by
     *     hand ({@code optNodeGroups}, {@code optNodeGroupSource}), saying what to call instead
     * @throws ai.hesso.djl.compact.CompactionException naming the block path and class of a block
     *     it cannot rebuild
     */
    public CompactModel compact(CompactionOptions options) {
        Objects.requireNonNull(options, "options");
        Block block = setup.block();
        DiscoveryReport report = discoveryReport();
        Shape[] inputShapes = block.getInputShapes();
        if (inputShapes == null) {
            throw new IllegalStateException(
                    "the block has no input shapes recorded: initialize it (trainer.initialize(shape))"
                            + " or load its parameters, then compact");
        }
        return Compaction.compact(block, report, this, options, inputShapes);
    }

    /**
     * Returns the report of the discovery the node groups came from: the run's (what each group
     * holds, its consumers, why a group is unprunable), or after {@link #resume} and before the
     * first step, a discovery of the loaded block with the same settings. There is no need to
     * discover the block a second time.
     *
     * @return the report
     * @throws IllegalStateException if the node groups were given by hand, before the first step of
     *     a fresh run, or after a resume whose model parameters are not loaded
     */
    public DiscoveryReport discoveryReport() {
        if (!(setup.groupSource() instanceof DiscoverySource discovery)) {
            throw new IllegalStateException(
                    "this optimizer was given its node groups by hand (optNodeGroups or"
                            + " optNodeGroupSource), so it has no discovery report to compact"
                            + " with: call Compaction.compact(block, report, hesso, inputShapes)"
                            + " with a DiscoveryReport whose node groups are the ones you gave,"
                            + " or let the optimizer discover them (the default) to use"
                            + " hesso.compact()");
        }
        if (run != null) {
            return run.report();
        }
        if (pendingResume == null) {
            throw new IllegalStateException(
                    "nothing to compact before the first step: train (until pruning completes)"
                            + " or resume a checkpoint first");
        }
        if (!setup.block().isInitialized()) {
            throw new IllegalStateException(
                    "the block has no parameters loaded: load the checkpoint's model parameters"
                            + " before compacting (HessoCheckpoints.resume does)");
        }
        if (resumedReport == null) {
            resumedReport = discovery.report(setup.block());
        }
        return resumedReport;
    }

    /** Returns the driver restored from the pending checkpoint, restoring it on first use. */
    private HessoDriver resumedDriver() {
        if (resumedDriver == null) {
            resumedDriver = TrainingRun.restoreDriver(setup, pendingResume);
        }
        return resumedDriver;
    }

    /** Returns the loss handed over for the coming step, NaN when none was, for tests. */
    double pendingLoss() {
        return lossGiven ? pendingLoss : Double.NaN;
    }

    /** Returns the update variant's settings the optimizer was built with, for tests. */
    VariantSettings variantSettings() {
        return setup.variant();
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
            run = TrainingRun.start(setup, fuseAdam, pendingResume, resumedDriver);
            pendingResume = null;
            resumedDriver = null;
        }
        TensorSlot slot = run.slot(parameterId, weight.getDevice());
        if (boundary.isFirstCallOfStep(slot)) {
            // every gradient of the step is complete now: decide for the whole step at once
            boolean given = lossGiven;
            lossGiven = false;
            // false until decided: a step whose check throws updates nothing
            stepTaken = false;
            stepTaken = run.beginStep(given, pendingLoss, () -> loss(given));
        }
        if (!stepTaken) {
            run.executor().clearGradient(weight);
            return;
        }
        StepPlan plan = run.plan();
        run.executor()
                .execute(
                        plan,
                        slot,
                        weight,
                        grad,
                        () -> learningRate(parameterId, slot.parameter(), plan.step()));
    }

    private double learningRate(String parameterId, String path, int step) {
        if (learningRate != null) {
            return learningRate;
        }
        float value = learningRateTracker.getNewValue(parameterId, step);
        if (!(value >= 0) || Float.isInfinite(value)) {
            throw new IllegalArgumentException(
                    "the learning rate tracker returned "
                            + value
                            + " at step "
                            + step
                            + " for parameter "
                            + path
                            + "; learning rates must be finite and >= 0");
        }
        return value;
    }

    private double loss(boolean given) {
        if (!given) {
            throw new IllegalStateException(
                    "CRIC needs the training loss of step "
                            + (run.driver().step() + 1)
                            + ": add optimizer.trainingListener() to the training config, or"
                            + " call optimizer.setLoss(loss) before trainer.step()");
        }
        return pendingLoss;
    }

    /**
     * Builds a {@link HessoOptimizer}; start one with {@link Hesso#sgd()}, {@link Hesso#adam()} or
     * {@link Hesso#adamW()}. Required: {@link #setLearningRateTracker} (or {@link
     * #setLearningRate}), {@link #setBlock} and {@link #setPruning}. Optional: the variant's
     * settings ({@link #optMomentum}, {@link #optBeta1}, {@link #optWeightDecay}, ...), the node
     * groups (default: automatic discovery), {@link #optNonFinitePolicy} and {@link
     * #optMaxConsecutiveSkips}, {@link #optTotalSteps}, DJL's {@code setRescaleGrad} and {@code
     * optClipGrad} (positive, or negative for none). Weight decay is part of the variant's
     * settings, in double precision; DJL's float {@code optWeightDecays} is refused so that there
     * is one way to set it, and {@code optBeginNumUpdate} because HESSO counts its own steps.
     */
    public static final class Builder extends OptimizerBuilder<Builder> {

        private ParameterTracker learningRateTracker;
        private Double learningRate;
        private HessoSettings pruning;
        private VariantSettings variant;
        // the variant the builder was started for (Hesso.sgd(), adam(), adamW())
        private final Variant family;
        private final Map<String, Double> variantOptions = new java.util.LinkedHashMap<>();
        private Float djlWeightDecay;
        private Block block;
        // whether setBlock was called: a null from it is a model whose block is not set yet
        private boolean blockGiven;
        private NodeGroupSource groupSource;
        private boolean failIfNothingToPrune = true;
        private CostModel costModel;
        private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.SKIP;
        private int maxConsecutiveSkips;
        private int totalSteps;
        private Integer beginNumUpdate;
        private boolean stepTimings;

        /** A builder for one update variant, as {@link Hesso#sgd()} and its siblings start. */
        Builder(Variant family) {
            this.family = Objects.requireNonNull(family, "family");
        }

        /**
         * Sets SGD's momentum {@code mu} (default 0). For {@link Hesso#sgd()}.
         *
         * @param momentum in {@code [0, 1)}
         * @return this builder
         */
        public Builder optMomentum(double momentum) {
            return variantOption("optMomentum", momentum);
        }

        /**
         * Sets SGD's dampening {@code tau} (default 0). For {@link Hesso#sgd()}.
         *
         * @param dampening in {@code [0, 1]}
         * @return this builder
         */
        public Builder optDampening(double dampening) {
            return variantOption("optDampening", dampening);
        }

        /**
         * Sets Adam's first-moment decay {@code b1} (default 0.9). For {@link Hesso#adam()} and
         * {@link Hesso#adamW()}.
         *
         * @param beta1 in {@code [0, 1)}
         * @return this builder
         */
        public Builder optBeta1(double beta1) {
            return variantOption("optBeta1", beta1);
        }

        /**
         * Sets Adam's second-moment decay {@code b2} (default 0.999). For {@link Hesso#adam()} and
         * {@link Hesso#adamW()}.
         *
         * @param beta2 in {@code [0, 1)}
         * @return this builder
         */
        public Builder optBeta2(double beta2) {
            return variantOption("optBeta2", beta2);
        }

        /**
         * Sets Adam's {@code eps}, added after bias correction (default 1e-8). For {@link
         * Hesso#adam()} and {@link Hesso#adamW()}.
         *
         * @param epsilon positive and finite
         * @return this builder
         */
        public Builder optEpsilon(double epsilon) {
            return variantOption("optEpsilon", epsilon);
        }

        /**
         * Sets the weight decay {@code wd}, in double precision (default 0): added to the gradient
         * for SGD and Adam, decoupled for AdamW.
         *
         * @param weightDecay finite, at least 0
         * @return this builder
         */
        public Builder optWeightDecay(double weightDecay) {
            return variantOption("optWeightDecay", weightDecay);
        }

        private Builder variantOption(String name, double value) {
            variantOptions.put(name, value);
            return this;
        }

        /** Builds the variant settings from the variant-first options, checking they apply. */
        private VariantSettings variantFromOptions() {
            Variant v = family;
            java.util.Set<String> applies =
                    v == Variant.SGD
                            ? java.util.Set.of("optMomentum", "optDampening", "optWeightDecay")
                            : java.util.Set.of(
                                    "optBeta1", "optBeta2", "optEpsilon", "optWeightDecay");
            for (String name : variantOptions.keySet()) {
                if (!applies.contains(name)) {
                    throw new IllegalArgumentException(
                            name
                                    + "(..) does not apply to "
                                    + v
                                    + (v == Variant.SGD
                                            ? ": start with Hesso.adam() or Hesso.adamW() for it"
                                            : ": start with Hesso.sgd() for it"));
                }
            }
            double wd = variantOptions.getOrDefault("optWeightDecay", 0.0);
            if (v == Variant.SGD) {
                return VariantSettings.sgd(
                        variantOptions.getOrDefault("optMomentum", 0.0),
                        variantOptions.getOrDefault("optDampening", 0.0),
                        wd);
            }
            return new VariantSettings(
                    v,
                    0,
                    0,
                    variantOptions.getOrDefault("optBeta1", 0.9),
                    variantOptions.getOrDefault("optBeta2", 0.999),
                    variantOptions.getOrDefault("optEpsilon", 1e-8),
                    wd);
        }

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
         * Refused at {@link #build()}: weight decay is set in double precision with {@link
         * #optWeightDecay(double)}.
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
         * Refused at {@link #build()}: HESSO counts its steps itself (and a checkpoint restores the
         * count), so DJL's starting update number has no meaning here.
         *
         * @param beginNumUpdate DJL's starting update number
         * @return this builder
         */
        @Override
        public Builder optBeginNumUpdate(int beginNumUpdate) {
            this.beginNumUpdate = beginNumUpdate;
            return this;
        }

        /**
         * Sets what happens to a step whose loss or any gradient is NaN or infinite.
         *
         * @param policy {@link NonFinitePolicy#SKIP} (the default: the step is skipped for every
         *     parameter, counted and logged) or {@link NonFinitePolicy#FAIL}
         * @return this builder
         */
        public Builder optNonFinitePolicy(NonFinitePolicy policy) {
            this.nonFinitePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Gives up, with a {@link NonFiniteStepException}, when this many steps in a row were
         * non-finite and skipped. By default a run never gives up.
         *
         * @param steps at least 1
         * @return this builder
         */
        public Builder optMaxConsecutiveSkips(int steps) {
            this.maxConsecutiveSkips = steps;
            return this;
        }

        /**
         * Tells the optimizer how many steps training will take, so that a schedule that cannot
         * finish in time is refused before training starts (HESSO's periods at {@link #build()},
         * CRIC at the first update, which warns when its cycles might run past the end). Without it
         * the optimizer cannot know; {@link HessoTrainingListener} then warns when training ends
         * unpruned.
         *
         * @param steps the optimizer steps of the whole run, at least 1
         * @return this builder
         */
        public Builder optTotalSteps(int steps) {
            this.totalSteps = steps;
            return this;
        }

        /**
         * Sets the block being trained: its parameter names address the node groups.
         *
         * @param block the model's block; {@code model.getBlock()} is null until {@code
         *     model.setBlock(block)} is called, so set the model's block first
         * @return this builder
         */
        public Builder setBlock(Block block) {
            this.block = block;
            this.blockGiven = true;
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
         * Times each phase of every step (finite check, plan, direction, masks and projection,
         * ...), read with {@link HessoOptimizer#stepTimings()}: to see where a step's cost beyond
         * DJL's optimizer goes. Off by default; on, it reads the clock twice per phase and tensor.
         *
         * @param on whether to time the phases
         * @return this builder
         */
        public Builder optStepTimings(boolean on) {
            this.stepTimings = on;
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
            Objects.requireNonNull(groups, "node groups");
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
         * Asks the tracker for step 0's value: a negative or NaN rate is refused now rather than at
         * the first step (each step's value is checked too, as trackers change over time).
         */
        private void checkFirstLearningRate() {
            float first;
            try {
                first = learningRateTracker.getNewValue("", 0);
            } catch (RuntimeException e) {
                // a tracker that needs a real parameter id is checked at every step instead
                return;
            }
            if (!(first >= 0) || Float.isInfinite(first)) {
                throw new IllegalArgumentException(
                        "the learning rate tracker gives "
                                + first
                                + " at step 0; learning rates must be finite and >= 0");
            }
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
                        blockGiven
                                ? "setBlock(..) was given null: model.getBlock() returns null until"
                                        + " model.setBlock(block) is called; call"
                                        + " model.setBlock(block) before building the optimizer,"
                                        + " or pass the block itself to setBlock(block)"
                                : "block is required: call setBlock(model.getBlock()) so HESSO can"
                                        + " name the parameters");
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
                                + "f) is not used by HESSO: set the weight decay in double"
                                + " precision with optWeightDecay(wd)");
            }
            if (beginNumUpdate != null) {
                throw new IllegalArgumentException(
                        "optBeginNumUpdate("
                                + beginNumUpdate
                                + ") is not used by HESSO: it counts its steps itself; to continue"
                                + " a run, resume(checkpoint) restores the step");
            }
            if (learningRateTracker != null) {
                checkFirstLearningRate();
            }
            if (maxConsecutiveSkips < 0) {
                throw new IllegalArgumentException(
                        "maxConsecutiveSkips must be >= 1 (or unset: never give up), got "
                                + maxConsecutiveSkips);
            }
            if (totalSteps < 0) {
                throw new IllegalArgumentException(
                        "totalSteps must be >= 1 (or unset when unknown), got " + totalSteps);
            }
            if (totalSteps > 0 && pruning.schedule().isPresent()) {
                int last = pruning.schedule().get().lastPruningStep();
                if (last > totalSteps && pruning.targetGroupSparsity() > 0) {
                    throw new IllegalArgumentException(
                            "pruning ends at step "
                                    + last
                                    + " but optTotalSteps is "
                                    + totalSteps
                                    + ": the target would not be reached; start pruning earlier"
                                    + " (startPruningStep), shorten pruningSteps, or train longer");
                }
            }
            variant = variantFromOptions();
            if (groupSource == null) {
                groupSource = NodeGroupSource.discovery();
            }
            return new HessoOptimizer(this);
        }
    }
}
