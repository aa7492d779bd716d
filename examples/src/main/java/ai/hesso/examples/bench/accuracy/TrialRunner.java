package ai.hesso.examples.bench.accuracy;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import ai.djl.util.Pair;
import ai.hesso.core.Allocation;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.Phase;
import ai.hesso.core.cost.CostModel;
import ai.hesso.core.cric.CricSettings;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.schedule.PruningSchedule;
import ai.hesso.djl.Hesso;
import ai.hesso.djl.HessoOptimizer;
import ai.hesso.djl.compact.BlockCost;
import ai.hesso.djl.compact.ChannelSelection;
import ai.hesso.djl.compact.CompactModel;
import ai.hesso.djl.compact.Compaction;
import ai.hesso.djl.cost.BlockMacs;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.examples.bench.baselines.GlobalRanking;
import ai.hesso.examples.bench.baselines.IterativeSchedule;
import ai.hesso.examples.bench.baselines.MacBudget;
import ai.hesso.examples.bench.baselines.MagnitudePruner;
import ai.hesso.examples.bench.baselines.RandomImportance;
import ai.hesso.examples.bench.baselines.SquaredMagnitudeImportance;
import ai.hesso.examples.data.FashionMnist;
import ai.hesso.examples.demo.SeededSampler;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Runs one {@link Trial}: trains the model with the trial's method for the shared budget, compacts
 * it (removing the method's channels), and evaluates the compact model.
 *
 * <p>Every method starts from the same initial weights for a seed (the engine is seeded right
 * before initialization) and sees the same batches in the same order (the training set's {@link
 * SeededSampler} is restarted). Every method uses SGD with momentum {@value
 * AccuracySettings#MOMENTUM}, no weight decay, and the same cosine learning-rate decay from the
 * peak to 1% of it over all steps. The baselines use DJL's own SGD; their removed rows are kept
 * zero after every step ({@link ai.hesso.examples.bench.baselines.RemovalMasks}), which trains
 * exactly the smaller network. They prune in HESSO's window: one-shot and random after its last
 * period ends, iterative in five removals over its periods.
 *
 * <p>Scratch needs HESSO's removal at the same model, seed and target, and HESSO with a MAC budget
 * needs the compact MACs fraction it reached, so this runner remembers both for each HESSO trial;
 * run HESSO first ({@link AccuracySettings#trials()} does).
 *
 * <p>A trial with a MAC budget ({@code bench frontier}) needs neither: the per-group methods take
 * the smallest channel count whose same-fraction split meets the budget on the cost model ({@link
 * MacBudget#perGroupCount}), HESSO with a MAC budget and the global baseline take the budget
 * itself.
 */
public final class TrialRunner {

    /** The final learning rate, as a fraction of the peak. */
    static final float FINAL_LR_FRACTION = 0.01f;

    /** The test images forwarded through both models to compare their outputs. */
    static final int DIFF_BATCH = 256;

    /**
     * Looks at a trained model before it is closed: a hook for tests.
     *
     * @see TrialRunner#optInspector
     */
    @FunctionalInterface
    public interface Inspector {
        /**
         * Looks at a trained model.
         *
         * @param trial the trial
         * @param trained the trained block (for pruned methods, removed rows zero; for scratch, the
         *     compact block itself)
         * @param report the discovery report of {@code trained}
         * @param removed the channels the method removed, per group
         * @param compact the compact model evaluated for the row
         */
        void inspect(
                Trial trial,
                Block trained,
                DiscoveryReport report,
                Map<String, int[]> removed,
                CompactModel compact);
    }

    /** Called after every optimizer step of a baseline; closed after training. */
    private interface AfterStep extends AutoCloseable {
        void afterStep();

        @Override
        default void close() {}
    }

    private final AccuracySettings settings;
    private final FashionMnist train;
    private final SeededSampler shuffle;
    private final TestImages test;
    private final LongConsumer progress;
    private final Map<String, Map<String, int[]>> hessoRemovals = new HashMap<>();
    private final Map<String, Double> hessoMacFractions = new HashMap<>();
    private final Map<String, BlockCost> denseCosts = new HashMap<>();
    private final Map<String, CostModel> costModels = new HashMap<>();
    private final Map<String, MacBudget> budgets = new HashMap<>();
    private Inspector inspector = (t, b, r, m, c) -> {};

    /**
     * Creates a runner for one seed's training set.
     *
     * @param settings the settings
     * @param train the prepared training set, sampled by {@code shuffle}
     * @param shuffle the training set's sampler, restarted before each trial
     * @param test the test images
     * @param progress told the number of steps done, one at a time
     */
    public TrialRunner(
            AccuracySettings settings,
            FashionMnist train,
            SeededSampler shuffle,
            TestImages test,
            LongConsumer progress) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.train = Objects.requireNonNull(train, "train");
        this.shuffle = Objects.requireNonNull(shuffle, "shuffle");
        this.test = Objects.requireNonNull(test, "test");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /**
     * Sets a hook that sees each trained model before it is closed.
     *
     * @param inspector the hook
     * @return this runner
     */
    public TrialRunner optInspector(Inspector inspector) {
        this.inspector = Objects.requireNonNull(inspector, "inspector");
        return this;
    }

    /**
     * Runs a trial.
     *
     * @param trial the trial; its seed must be the training set's
     * @return the row
     * @throws IOException if the data cannot be read
     * @throws TranslateException if DJL cannot batch the data
     */
    public ResultRow run(Trial trial) throws IOException, TranslateException {
        shuffle.restart();
        if (trial.method() == Method.SCRATCH) {
            return scratch(trial, hessoRemoval(trial));
        }
        if (trial.method() == Method.SCRATCH_PER_GROUP) {
            MacBudget budget = budget(trial.model());
            return scratch(trial, budget.perGroupSplit(perGroupCount(trial)));
        }
        try (Model model = Model.newInstance(trial.model() + "-" + trial.method().label())) {
            Block block = BenchModels.build(trial.model());
            model.setBlock(block);
            Map<String, int[]> removed;
            Trained trained;
            switch (trial.method()) {
                case DENSE -> {
                    trained = train(trial, model, sgd(), null, g -> () -> {});
                    removed = Map.of();
                }
                case HESSO, HESSO_CRIC, HESSO_MACS, HESSO_MACS_BANDED, HESSO_PER_GROUP -> {
                    try (HessoOptimizer hesso = hesso(trial, block)) {
                        trained = train(trial, model, hesso, hesso, g -> () -> {});
                        removed = hesso.prunedChannels();
                        if (hesso.metrics().phase() != Phase.PRUNED) {
                            // a row that stopped half-way would compare an unfinished method
                            throw new IllegalStateException(
                                    trial.label()
                                            + ": HESSO had not finished pruning after "
                                            + settings.totalSteps()
                                            + " steps (phase "
                                            + hesso.metrics().phase()
                                            + "); raise --epochs or --limit, or lower"
                                            + " --batch-size");
                        }
                    }
                    if (trial.method() == Method.HESSO) {
                        hessoRemovals.put(key(trial), removed);
                    }
                }
                default -> {
                    MagnitudePruner[] pruner = new MagnitudePruner[1];
                    trained =
                            train(
                                    trial,
                                    model,
                                    sgd(),
                                    null,
                                    g -> {
                                        pruner[0] = baseline(trial, block, g);
                                        return new AfterStep() {
                                            @Override
                                            public void afterStep() {
                                                pruner[0].afterStep();
                                            }

                                            @Override
                                            public void close() {
                                                pruner[0].close();
                                            }
                                        };
                                    });
                    removed = pruner[0].removed();
                }
            }
            Groups g = trained.groups();
            int zero = ChannelSelection.zeroChannels(block, g.report()).count();
            ResultRow row =
                    evaluate(
                            trial,
                            block,
                            g.report(),
                            removed,
                            g.channels(),
                            target(trial, g),
                            zero,
                            trained.seconds());
            if (trial.method() == Method.HESSO) {
                hessoMacFractions.put(key(trial), (double) row.flops() / row.denseFlops());
            }
            return row;
        }
    }

    /** The node groups of an initialized block. */
    private record Groups(DiscoveryReport report, List<NodeGroup> prunable, int channels) {

        static Groups of(Block block) {
            DiscoveryReport report =
                    GroupDiscovery.builder().build().discover(block, BenchModels.inputShape());
            List<NodeGroup> prunable =
                    report.prunableGroups().stream().map(DiscoveredGroup::group).toList();
            return new Groups(
                    report, prunable, prunable.stream().mapToInt(NodeGroup::channels).sum());
        }

        int target(Trial trial) {
            return GlobalRanking.targetCount(channels, trial.sparsity());
        }
    }

    /** What training gave: its loop's wall seconds and the trained block's node groups. */
    private record Trained(double seconds, Groups groups) {}

    private Map<String, int[]> hessoRemoval(Trial trial) {
        Map<String, int[]> removed = hessoRemovals.get(key(trial));
        if (removed == null) {
            throw new IllegalStateException(
                    "scratch needs HESSO's architecture for "
                            + trial.label()
                            + ": run the hesso trial with the same model, seed and target first");
        }
        return removed;
    }

    /**
     * Returns the channels a trial removes in all: with a MAC budget, a per-group method's count
     * from the cost model; otherwise {@code floor(N * min(s, 0.999))} (0 for a budget that is spent
     * by the method itself).
     */
    private int target(Trial trial, Groups groups) {
        if (trial.macBudget() > 0 && trial.method().perGroup()) {
            return perGroupCount(trial);
        }
        return groups.target(trial);
    }

    /** The per-group count that meets a trial's MAC budget, from the dense model's cost model. */
    private int perGroupCount(Trial trial) {
        return budget(trial.model()).perGroupCount(trial.macBudget());
    }

    /** The budget search on a model's dense cost model and its prunable groups. */
    private MacBudget budget(String model) {
        return budgets.computeIfAbsent(
                model,
                m -> {
                    try (NDManager manager = NDManager.newBaseManager()) {
                        Block block = BenchModels.build(m);
                        block.initialize(manager, DataType.FLOAT32, BenchModels.inputShape());
                        Groups groups = Groups.of(block);
                        CostModel cost =
                                BlockMacs.of(block, groups.report(), BenchModels.inputShape());
                        costModels.put(m, cost);
                        return new MacBudget(cost, groups.prunable());
                    }
                });
    }

    private ResultRow scratch(Trial trial, Map<String, int[]> removed)
            throws IOException, TranslateException {
        Shape input = BenchModels.inputShape();
        Block dense = BenchModels.build(trial.model());
        int count = removed.values().stream().mapToInt(a -> a.length).sum();
        try (NDManager manager = NDManager.newBaseManager()) {
            dense.initialize(manager, DataType.FLOAT32, input);
            Groups denseGroups = Groups.of(dense);
            DiscoveryReport denseReport = denseGroups.report();
            int channels = denseGroups.channels();
            int target = target(trial, denseGroups);
            // the compaction only gives the architecture: its copied values are dropped and the
            // trainer initializes every parameter afresh, with the compact layers' own fan-in
            try (CompactModel architecture =
                    Compaction.compact(dense, denseReport, removed, input)) {
                Model model = architecture.model();
                Block block = model.getBlock();
                for (Pair<String, Parameter> p : block.getParameters()) {
                    p.getValue().close();
                }
                Trained trained = train(trial, model, sgd(), null, g -> () -> {});
                return evaluate(
                        trial,
                        block,
                        trained.groups().report(),
                        Map.of(),
                        channels,
                        target,
                        count,
                        trained.seconds());
            }
        }
    }

    private ResultRow evaluate(
            Trial trial,
            Block block,
            DiscoveryReport report,
            Map<String, int[]> removed,
            int channels,
            int target,
            int removedChannels,
            double seconds) {
        Shape input = BenchModels.inputShape();
        BlockCost denseCost = denseCosts.computeIfAbsent(trial.model(), TrialRunner::denseCost);
        try (CompactModel compact = Compaction.compact(block, report, removed, input)) {
            Block small = compact.model().getBlock();
            double accuracy = test.accuracy(small);
            double diff = test.maxAbsDifference(block, small, DIFF_BATCH);
            inspector.inspect(trial, block, report, removed, compact);
            // a per-group method with a MAC budget reports the fraction its count is of N
            double sparsity =
                    trial.macBudget() > 0 && trial.method().perGroup()
                            ? (double) target / channels
                            : trial.sparsity();
            return new ResultRow(
                    trial.model(),
                    trial.method().label(),
                    sparsity,
                    trial.seed(),
                    accuracy,
                    compact.report().after().parameters(),
                    compact.report().after().macs(),
                    settings.epochs(),
                    seconds,
                    diff,
                    null,
                    settings.totalSteps(),
                    settings.trainLimit(),
                    test.size(),
                    channels,
                    target,
                    removedChannels,
                    denseCost.parameters(),
                    denseCost.macs(),
                    trial.macBudget() > 0 ? trial.macBudget() : null,
                    trial.method().rule());
        }
    }

    /**
     * Trains a model for the budget.
     *
     * @return the wall seconds of the training loop and the block's node groups
     */
    private Trained train(
            Trial trial,
            Model model,
            Optimizer optimizer,
            HessoOptimizer hesso,
            Function<Groups, AfterStep> afterStep)
            throws IOException, TranslateException {
        DefaultTrainingConfig config =
                new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(optimizer);
        if (hesso != null) {
            config.addTrainingListeners(hesso.trainingListener());
        }
        try (Trainer trainer = model.newTrainer(config)) {
            Engine.getInstance().setRandomSeed(trial.seed());
            trainer.initialize(
                    new Shape(
                            settings.batchSize(),
                            1,
                            FashionMnist.IMAGE_SIZE,
                            FashionMnist.IMAGE_SIZE));
            Groups groups = Groups.of(model.getBlock());
            long start = System.nanoTime();
            try (AfterStep hook = afterStep.apply(groups)) {
                for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                    for (Batch batch : trainer.iterateDataset(train)) {
                        try (batch) {
                            EasyTrain.trainBatch(trainer, batch);
                            trainer.step();
                            hook.afterStep();
                        }
                        progress.accept(1);
                    }
                    trainer.notifyListeners(listener -> listener.onEpoch(trainer));
                }
            }
            return new Trained((System.nanoTime() - start) / 1e9, groups);
        }
    }

    private Tracker learningRate() {
        return CosineTracker.builder()
                .setBaseValue(settings.learningRate())
                .optFinalValue(settings.learningRate() * FINAL_LR_FRACTION)
                .setMaxUpdates(settings.totalSteps())
                .build();
    }

    private Optimizer sgd() {
        return Optimizer.sgd()
                .setLearningRateTracker(learningRate())
                .optMomentum(AccuracySettings.MOMENTUM)
                .build();
    }

    private HessoOptimizer hesso(Trial trial, Block block) {
        int total = settings.totalSteps();
        HessoSettings.Builder pruning = HessoSettings.builder();
        if (trial.method() == Method.HESSO_MACS && trial.macBudget() > 0) {
            pruning.optTargetMacs(trial.macBudget());
        } else if (trial.method() == Method.HESSO_MACS_BANDED) {
            if (!(trial.macBudget() > 0)) {
                throw new IllegalArgumentException(
                        trial.method().label() + " needs a MAC budget (bench frontier)");
            }
            // the band around the per-layer fraction that meets the same budget
            double f = (double) perGroupCount(trial) / budget(trial.model()).channels();
            pruning.optTargetMacs(trial.macBudget()).optGroupSparsityBounds(f / 2, (1 + f) / 2);
        } else if (trial.method() == Method.HESSO_PER_GROUP && trial.macBudget() > 0) {
            // with PER_GROUP (below) the library turns the budget into the per-group count; the
            // baselines' count comes from this bench's own search, FrontierBenchIT checks they
            // agree
            pruning.optTargetMacs(trial.macBudget());
        } else if (trial.method() == Method.HESSO_MACS) {
            Double fraction = hessoMacFractions.get(key(trial));
            if (fraction == null) {
                throw new IllegalStateException(
                        "hesso-macs needs the MACs HESSO reached for "
                                + trial.label()
                                + ": run the hesso trial with the same model, seed and target"
                                + " first");
            }
            pruning.optTargetMacs(fraction);
        } else {
            pruning.optTargetGroupSparsity(trial.sparsity());
        }
        if (trial.method() == Method.HESSO_PER_GROUP) {
            pruning.optAllocation(Allocation.PER_GROUP);
        }
        if (trial.method() == Method.HESSO_CRIC) {
            // CRIC replaces the periods: snapshot where HESSO's warm-up ends, three short cycles,
            // then a hybrid projection as long as the warm-up
            pruning.optCric(
                    CricSettings.builder()
                            .setStartCricStep(Math.max(1, total / 10))
                            .optSamplingSteps(Math.max(1, total / 50))
                            .optMaxCycles(3)
                            .optHybridTrainingSteps(Math.max(1, total / 10))
                            .build());
        } else {
            pruning.optSchedule(total).optPruningPeriods(AccuracySettings.PRUNING_PERIODS);
        }
        return Hesso.sgd()
                .optMomentum(AccuracySettings.MOMENTUM)
                .setLearningRateTracker(learningRate())
                .setBlock(block)
                .setPruning(pruning.build())
                .build();
    }

    private MagnitudePruner baseline(Trial trial, Block block, Groups groups) {
        int target = target(trial, groups);
        PruningSchedule window =
                PruningSchedule.forTraining(
                        settings.totalSteps(), AccuracySettings.PRUNING_PERIODS);
        // HESSO's last period ends at start + P * Tp: the baselines prune in the same window
        int start = window.startPruningStep();
        int end = start + window.pruningPeriods() * window.periodLength();
        MagnitudePruner.Builder b =
                MagnitudePruner.builder().setBlock(block).setGroups(groups.prunable());
        switch (trial.method()) {
            case ONESHOT_L2 -> b.setSchedule(IterativeSchedule.oneShot(end, target));
            case ITERATIVE_L2 ->
                    b.setSchedule(new IterativeSchedule(start, end, settings.iterations(), target));
            case ITERATIVE_L2_PER_GROUP ->
                    b.setSchedule(new IterativeSchedule(start, end, settings.iterations(), target))
                            .optPerGroup(true);
            case RANDOM ->
                    b.setSchedule(IterativeSchedule.oneShot(end, target))
                            .optImportance(new RandomImportance(trial.seed()));
            case ONESHOT_L2_PER_GROUP ->
                    b.setSchedule(IterativeSchedule.oneShot(end, target)).optPerGroup(true);
            case RANDOM_PER_GROUP ->
                    b.setSchedule(IterativeSchedule.oneShot(end, target))
                            .optImportance(new RandomImportance(trial.seed()))
                            .optPerGroup(true);
            case ITERATIVE_L2_GLOBAL_NORM -> {
                if (!(trial.macBudget() > 0)) {
                    throw new IllegalArgumentException(
                            trial.method().label() + " needs a MAC budget (bench frontier)");
                }
                budget(trial.model()); // builds the dense cost model once per model
                MacBudget budget = new MacBudget(costModels.get(trial.model()), groups.prunable());
                b.setSchedule(new IterativeSchedule(start, end, settings.iterations(), 0))
                        .optImportance(SquaredMagnitudeImportance.weightsAndGammas(block))
                        .optNormalizeByGroupMean(true)
                        .optMacBudget(budget, trial.macBudget());
            }
            default ->
                    throw new IllegalArgumentException(
                            trial.method().label() + " is not a baseline");
        }
        return b.build();
    }

    private static BlockCost denseCost(String model) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = BenchModels.build(model);
            block.initialize(manager, DataType.FLOAT32, BenchModels.inputShape());
            return BlockCost.of(block, BenchModels.inputShape());
        }
    }

    private static String key(Trial trial) {
        return trial.model() + "|" + trial.seed() + "|" + trial.sparsity();
    }
}
