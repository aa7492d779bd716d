package ai.hesso.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import ai.hesso.core.HessoDriver;
import ai.hesso.core.HessoMetrics;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.PruningEnd;
import ai.hesso.core.SettingsFingerprint;
import ai.hesso.core.StepPlan;
import ai.hesso.core.cost.CostModel;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.identification.ChannelMasks;
import ai.hesso.core.variant.VariantSettings;
import ai.hesso.djl.checkpoint.HessoCheckpoint;
import ai.hesso.djl.cost.BlockMacs;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.engine.PhaseClock;
import ai.hesso.djl.engine.PlanExecutor;
import ai.hesso.djl.engine.PrunedCheck;
import ai.hesso.djl.engine.TensorSlot;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one {@link HessoOptimizer} resolves at its first update, when the block is initialized: the
 * block's parameters by path, the node groups, the {@link HessoDriver}, the {@link PlanExecutor}
 * and the {@link NonFiniteGuard}; and the plan of the current step. A run starts fresh or from a
 * {@link HessoCheckpoint}.
 */
final class TrainingRun implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(TrainingRun.class);

    private final Map<String, String> idToName;
    private final Map<String, Parameter> parameters;
    private final List<NodeGroup> groups;
    // null when the node groups were not discovered (given by hand, or a source of the user's)
    private final DiscoveryReport report;
    private final HessoDriver driver;
    private final PlanExecutor executor;
    private final NonFiniteGuard guard;
    private StepPlan plan;
    private long checkedMasksVersion = -1;
    private PrunedCheck lastCheck = new PrunedCheck(0, 0, null);

    private TrainingRun(
            Map<String, String> idToName,
            Map<String, Parameter> parameters,
            List<NodeGroup> groups,
            DiscoveryReport report,
            HessoDriver driver,
            PlanExecutor executor,
            NonFiniteGuard guard) {
        this.idToName = idToName;
        this.parameters = parameters;
        this.groups = groups;
        this.report = report;
        this.driver = driver;
        this.executor = executor;
        this.guard = guard;
    }

    /**
     * The optimizer's settings that a run is resolved from.
     *
     * @param totalSteps the training length the user announced, or 0 when unknown
     * @param stepTimings whether the phases of each step are timed
     */
    record Setup(
            Block block,
            NodeGroupSource groupSource,
            HessoSettings pruning,
            VariantSettings variant,
            float rescaleGrad,
            float clipGrad,
            boolean failIfNothingToPrune,
            NonFinitePolicy nonFinitePolicy,
            int maxConsecutiveSkips,
            int totalSteps,
            CostModel costModel,
            boolean stepTimings) {

        /** The settings a checkpoint must have been written with to continue this run. */
        SettingsFingerprint fingerprint() {
            return SettingsFingerprint.builder()
                    .addAll(pruning.fingerprint())
                    .addAll(variant.fingerprint())
                    .add("djl.rescaleGrad", rescaleGrad)
                    .add("djl.clipGrad", clipGrad)
                    .build();
        }
    }

    /**
     * Maps DJL's parameter ids to paths, finds and validates the node groups and creates the driver
     * and the executor, fresh or from a checkpoint.
     *
     * @param setup the optimizer's settings
     * @param fuseAdam whether Adam may run DJL's fused kernel (tests turn it off)
     * @param resume the checkpoint to continue, or null for a fresh run
     * @param restored the driver already restored from {@code resume} ({@link #restoreDriver}) for
     *     reading before the first step, continued as it is; or null to restore it now
     * @throws IllegalArgumentException if the block has no parameters, is not the initialized block
     *     being trained, the groups do not fit it, a positive target prunes nothing while that is
     *     an error, the announced training length ends before pruning can, or the checkpoint does
     *     not fit
     */
    static TrainingRun start(
            Setup setup, boolean fuseAdam, HessoCheckpoint resume, HessoDriver restored) {
        Map<String, String> idToName = new HashMap<>();
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        for (Pair<String, Parameter> pair : setup.block().getParameters()) {
            idToName.put(pair.getValue().getId(), pair.getKey());
            parameters.put(pair.getKey(), pair.getValue());
        }
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException(
                    "the block given to setBlock(..) has no parameters; give HESSO the block being"
                            + " trained");
        }
        TrainedBlockCheck.check(setup.block());
        DiscoveryReport discovered =
                setup.groupSource() instanceof DiscoverySource discovery
                        ? discovery.report(setup.block())
                        : null;
        List<NodeGroup> groups =
                List.copyOf(
                        discovered != null
                                ? discovered.nodeGroups()
                                : setup.groupSource().groups(setup.block()));
        NodeGroupValidation.check(groups, parameters, discovered == null);
        if (resume != null) {
            resume.checkNodeGroups(groups);
        }
        HessoDriver driver;
        if (resume != null) {
            // the checkpoint's groups equal the model's (checked above): one driver either way
            driver = restored != null ? restored : restoreDriver(setup, resume);
        } else {
            // a fresh run's settings that do not fit the model (an unreachable MAC budget) throw
            driver = new HessoDriver(setup.pruning(), groups, null, costModel(setup));
        }
        Optional<String> nothingToPrune = driver.nothingToPruneReason();
        if (nothingToPrune.isPresent()) {
            if (setup.failIfNothingToPrune()) {
                throw new IllegalArgumentException(
                        nothingToPrune.get()
                                + " (or optFailIfNothingToPrune(false) to train anyway)");
            }
            if (resume == null) {
                // trained plainly, as the specification says for K = 0: said once, at the start
                logger.warn("HESSO: {}: nothing will be pruned", nothingToPrune.get());
            }
        }
        checkTrainingLength(setup, driver);
        // the state lives and dies with the model's arrays
        PlanExecutor executor =
                new PlanExecutor(
                        setup.variant(),
                        setup.rescaleGrad(),
                        setup.clipGrad(),
                        fuseAdam,
                        driver.channelIndex(),
                        parameters.values().iterator().next().getArray().getManager(),
                        new PhaseClock(setup.stepTimings()));
        NonFiniteGuard guard =
                new NonFiniteGuard(setup.nonFinitePolicy(), setup.maxConsecutiveSkips());
        TrainingRun run =
                new TrainingRun(idToName, parameters, groups, discovered, driver, executor, guard);
        if (resume != null) {
            try {
                executor.restore(resume.engine(), run.trainableArrays());
            } catch (IllegalArgumentException e) {
                executor.close();
                throw new IllegalArgumentException(
                        resume.describe() + " does not fit the model: " + e.getMessage(), e);
            }
            guard.restore(resume.skippedSteps(), resume.consecutiveSkips());
            logger.info("HESSO: resumed from {} at step {}", resume.describe(), resume.step());
        }
        logger.info(
                "HESSO: {} node groups ({} prunable, {} channels, target {}) over {} parameters;"
                        + " {}",
                groups.size(),
                driver.channelIndex().prunableGroups().size(),
                driver.channelIndex().size(),
                driver.metrics().targetChannels(),
                parameters.size(),
                setup.variant());
        driver.costReport()
                .ifPresent(
                        report ->
                                logger.info(
                                        "HESSO: MAC budget {} of {} MACs per sample: at most {}",
                                        report.targetFraction(),
                                        report.denseMacs(),
                                        report.budgetMacs()));
        return run;
    }

    /**
     * Restores the driver of a checkpoint, with the checkpoint's node groups: what the optimizer
     * reads before its first step (metrics, pruned channels) and continues with at the first
     * update, once the model's groups are found equal to the checkpoint's.
     *
     * @param setup the optimizer's settings
     * @param resume the checkpoint
     * @return the driver, as it was when the checkpoint was taken
     * @throws IllegalArgumentException if the state does not fit the settings
     * @throws IllegalStateException if a MAC budget needs the block's cost and the block has no
     *     parameters loaded yet
     */
    static HessoDriver restoreDriver(Setup setup, HessoCheckpoint resume) {
        if (setup.pruning().targetMacs().isPresent()
                && setup.costModel() == null
                && !setup.block().isInitialized()) {
            throw new IllegalStateException(
                    resume.describe()
                            + " has a MAC budget, spent against the block's cost, which needs"
                            + " the block's input shapes: load the model's parameters first"
                            + " (HessoCheckpoints.resume does), or give optCostModel(..)");
        }
        try {
            return new HessoDriver(
                    setup.pruning(), resume.nodeGroups(), resume.driver(), costModel(setup));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    resume.describe() + " does not fit the settings: " + e.getMessage(), e);
        }
    }

    /**
     * The metrics of a checkpoint read before the first step: the restored driver's, the skipped
     * steps the checkpoint counted, and the pruned channels checked against the block's arrays when
     * they are all loaded (-1 when some member parameter has no array yet).
     *
     * @param driver the driver restored from {@code resume}
     * @param resume the checkpoint
     * @param block the block being trained
     * @return the metrics, equal to those the saved run reported when it was taken
     */
    static HessoMetrics resumedMetrics(HessoDriver driver, HessoCheckpoint resume, Block block) {
        ParameterList parameters = block.getParameters();
        List<Parameter> members =
                driver.channelIndex().prunableGroups().stream()
                        .flatMap(g -> g.members().stream())
                        .map(m -> parameters.get(m.tensor()))
                        .toList();
        int verifiedZero;
        if (members.isEmpty()) {
            // nothing prunable, nothing to check: what a run's first check finds too
            verifiedZero = 0;
        } else if (members.stream().allMatch(p -> p != null && p.isInitialized())) {
            verifiedZero =
                    PlanExecutor.checkPruned(
                                    driver.channelIndex(),
                                    driver.masks(),
                                    name -> parameters.get(name).getArray(),
                                    members.get(0).getArray().getManager())
                            .zero();
        } else {
            verifiedZero = -1;
        }
        return driver.metrics().withEngineCounts(resume.skippedSteps(), verifiedZero);
    }

    /**
     * Refuses an announced training length that ends before CRIC can prune the whole target, and
     * warns when its cycles might run past it (they may end early); HESSO's periods are checked by
     * the builder.
     */
    private static void checkTrainingLength(Setup setup, HessoDriver driver) {
        int total = setup.totalSteps();
        int target = driver.metrics().targetChannels();
        if (total <= 0 || target == 0) {
            return;
        }
        HessoSettings pruning = setup.pruning();
        if (pruning.cric().isEmpty()) {
            // HESSO's periods do not depend on the groups: the builder checked them
            return;
        }
        PruningEnd end = driver.pruningEnd();
        int earliest = end.earliest();
        int latest = end.latest();
        if (earliest > total) {
            throw new IllegalArgumentException(
                    "CRIC ends pruning at step "
                            + earliest
                            + " at the earliest but optTotalSteps is "
                            + total
                            + ": the target would not be reached; start CRIC earlier"
                            + " (startCricStep), shorten hybridTrainingSteps, or train longer");
        }
        if (latest > total) {
            logger.warn(
                    "HESSO: CRIC ends pruning between step {} and step {} (depending on when its"
                            + " cycles stop), and optTotalSteps is {}: the run may end unpruned",
                    earliest,
                    latest,
                    total);
        }
    }

    /**
     * Returns the cost model a MAC budget needs: the one given to the builder, or the block's
     * ({@link BlockMacs}) at the input shapes it was initialized with; null without a budget.
     */
    private static CostModel costModel(Setup setup) {
        if (setup.pruning().targetMacs().isEmpty()) {
            return null;
        }
        if (setup.costModel() != null) {
            return setup.costModel();
        }
        Shape[] inputShapes = setup.block().getInputShapes();
        return BlockMacs.of(setup.block(), inputShapes);
    }

    /**
     * Returns the slot of DJL's parameter id on a device.
     *
     * @throws IllegalStateException if the id is not a parameter of the block
     */
    TensorSlot slot(String parameterId, Device device) {
        String name = idToName.get(parameterId);
        if (name == null) {
            throw new IllegalStateException(
                    "parameter id "
                            + parameterId
                            + " is not a parameter of the block given to setBlock(..): a"
                            + " HessoOptimizer trains the one block it was built with ("
                            + parameters.size()
                            + " parameters, e.g. "
                            + parameters.keySet().iterator().next()
                            + "); build a new optimizer for another model");
        }
        return new TensorSlot(name, device);
    }

    /**
     * Starts a step: checks the loss and every gradient, then plans the step, or records a skipped
     * step under the non-finite policy.
     *
     * @param lossGiven whether a loss was handed over for this step
     * @param loss the loss, read only when given
     * @param lossForDriver the loss the driver may ask for (CRIC)
     * @return true when the step is taken, false when it is skipped
     * @throws NonFiniteStepException when the policy stops training
     */
    boolean beginStep(boolean lossGiven, double loss, DoubleSupplier lossForDriver) {
        PhaseClock clock = executor.clock();
        Map<String, NDArray> forward = runningStatistics();
        String offender = null;
        long t = clock.start();
        if (lossGiven && !Double.isFinite(loss)) {
            offender = "the loss (" + loss + ")";
        } else {
            String parameter = executor.firstNonFiniteGradient(trainableArrays());
            if (parameter != null) {
                offender = "the gradient of '" + parameter + "'";
            } else {
                String statistic = executor.firstNonFiniteValue(forward);
                if (statistic != null) {
                    offender = "the running statistic '" + statistic + "'";
                }
            }
        }
        clock.stop(PhaseClock.Phase.FINITE_CHECK, t);
        if (offender != null) {
            if (!executor.restoreForwardState(forward)) {
                logger.warn(
                        "HESSO: step {} is skipped before any good step of this run: the running"
                                + " statistics keep what its forward pass wrote",
                        driver.step() + 1);
            }
            guard.badStep(driver.step() + 1, offender);
            return false;
        }
        t = clock.start();
        executor.keepForwardState(forward);
        clock.stop(PhaseClock.Phase.FORWARD_STATE, t);
        guard.goodStep();
        t = clock.start();
        plan =
                driver.nextStep(
                        executor.stepContext(
                                name -> parameters.get(name).getArray(), lossForDriver));
        clock.stop(PhaseClock.Phase.PLAN, t);
        t = clock.start();
        checkPrunedRows(plan.masks());
        clock.stop(PhaseClock.Phase.PRUNED_CHECK, t);
        clock.step();
        return true;
    }

    /**
     * Checks the pruned channels against the arrays when the masks changed since the last check;
     * called between steps, so every row the last step zeroed is zero.
     */
    private void checkPrunedRows(ChannelMasks masks) {
        if (masks.version() == checkedMasksVersion) {
            return;
        }
        checkedMasksVersion = masks.version();
        lastCheck = executor.checkPruned(masks, name -> parameters.get(name).getArray());
        if (!lastCheck.agrees()) {
            logger.error(
                    "HESSO: the arrays disagree with the bookkeeping at step {}: {} of {} pruned"
                            + " channels are exactly zero, first non-zero: {}",
                    driver.step(),
                    lastCheck.zero(),
                    lastCheck.pruned(),
                    lastCheck.firstNonZero());
        }
    }

    /** The bytes of the engine-side state ({@link PlanExecutor#stateBytes()}). */
    long stateBytes() {
        return executor.stateBytes();
    }

    /** Returns the metrics, the pruned count checked against the arrays first. */
    HessoMetrics metrics() {
        checkPrunedRows(driver.masks());
        return driver.metrics().withEngineCounts(guard.skipped(), lastCheck.zero());
    }

    /**
     * The first device's running statistics (BatchNorm's mean and variance), in the block's order:
     * the non-trainable arrays a forward pass writes. Frozen weights are left out; nothing writes
     * them.
     */
    private Map<String, NDArray> runningStatistics() {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        parameters.forEach(
                (name, parameter) -> {
                    Parameter.Type type = parameter.getType();
                    if (!parameter.requiresGradient()
                            && parameter.isInitialized()
                            && (type == Parameter.Type.RUNNING_MEAN
                                    || type == Parameter.Type.RUNNING_VAR)) {
                        arrays.put(name, parameter.getArray());
                    }
                });
        return arrays;
    }

    /** The first device's array of every trainable parameter, in the block's order. */
    private Map<String, NDArray> trainableArrays() {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        parameters.forEach(
                (name, parameter) -> {
                    if (parameter.requiresGradient()) {
                        arrays.put(name, parameter.getArray());
                    }
                });
        return arrays;
    }

    /** Captures the run between two steps. */
    HessoCheckpoint checkpoint(SettingsFingerprint settings) {
        return new HessoCheckpoint(
                0,
                settings,
                groups,
                driver.state(),
                guard.skipped(),
                guard.consecutive(),
                executor.state(),
                null,
                null);
    }

    StepPlan plan() {
        return plan;
    }

    HessoDriver driver() {
        return driver;
    }

    /** Returns the discovery report the node groups came from, or null when not discovered. */
    DiscoveryReport report() {
        return report;
    }

    PlanExecutor executor() {
        return executor;
    }

    @Override
    public void close() {
        executor.close();
    }
}
