package ai.hesso.examples.demo;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import ai.hesso.core.HessoMetrics;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.cost.ChannelCosts;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.djl.Hesso;
import ai.hesso.djl.HessoOptimizer;
import ai.hesso.djl.cost.BlockMacs;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.examples.data.FashionMnist;
import ai.hesso.examples.demo.DemoResult.Training;
import ai.hesso.examples.models.BuiltinModels;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code hesso demo} pipeline, shared by the command and its integration test: load
 * Fashion-MNIST, train {@link BuiltinModels#fashionCnn()} with HESSO (SGD with momentum {@value
 * DemoSettings#MOMENTUM}), test it, count its zero channels and compact parameters on the arrays,
 * compact it ({@link DemoCompaction}: check, time, save, reload), and optionally train the same
 * model from the same initial weights on the same batches with DJL's plain SGD.
 */
public final class DemoRun {

    private final DemoSettings settings;
    private final PrintWriter out;

    /**
     * Creates a run.
     *
     * @param settings the settings
     * @param out where progress lines go, or null for none
     */
    public DemoRun(DemoSettings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    /**
     * Runs the pipeline.
     *
     * @return the measurements
     * @throws IOException if the data cannot be read
     * @throws TranslateException if DJL cannot batch the data
     * @throws MalformedModelException if the saved compact model cannot be loaded back
     * @throws ai.hesso.examples.data.MissingDataException if a data file is missing
     */
    public DemoResult run() throws IOException, TranslateException, MalformedModelException {
        SeededSampler shuffle = new SeededSampler(settings.seed());
        try (FashionMnist train =
                        FashionMnist.builder()
                                .optDirectory(settings.dataDirectory())
                                .optUsage(Dataset.Usage.TRAIN)
                                .optLimit(settings.trainLimit())
                                .setSampling(new BatchSampler(shuffle, settings.batchSize()))
                                .build();
                FashionMnist test =
                        FashionMnist.builder()
                                .optDirectory(settings.dataDirectory())
                                .optUsage(Dataset.Usage.TEST)
                                .optLimit(settings.testLimit())
                                .setSampling(256, false)
                                .build()) {
            train.prepare();
            test.prepare();
            DemoSettings.Schedule schedule = settings.schedule();

            Engine.getInstance().setRandomSeed(settings.seed());
            Training hesso;
            try (Model model = Model.newInstance("fashion-cnn-hesso")) {
                Block block = BuiltinModels.fashionCnn();
                model.setBlock(block);
                HessoOptimizer optimizer =
                        Hesso.sgd()
                                .optMomentum(DemoSettings.MOMENTUM)
                                .setLearningRateTracker(Tracker.fixed(settings.learningRate()))
                                .setBlock(block)
                                .setPruning(
                                        target(settings)
                                                .optStartPruningStep(schedule.startPruningStep())
                                                .setPruningSteps(schedule.pruningSteps())
                                                .optPruningPeriods(schedule.pruningPeriods())
                                                .build())
                                .build();
                hesso = train(model, optimizer, optimizer, train, test, "HESSO");
                ChannelCensus census = new ChannelCensus(block);
                List<NodeGroup> groups =
                        optimizer.nodeGroups().stream().filter(NodeGroup::prunable).toList();
                List<ChannelCensus.GroupCensus> counted = census.census(groups);
                // the optimizer's own discovery: no second one
                DiscoveryReport report = optimizer.discoveryReport();
                if (out != null) {
                    out.println(macs(block, report, optimizer));
                }
                HessoMetrics metrics = optimizer.metrics();
                long before = census.trainableParameters();
                long after = census.compactTrainableParameters(report, counted);
                CompactionSummary compaction =
                        new DemoCompaction(settings)
                                .run(model, report, optimizer.prunedChannels(), test);

                Optional<Training> dense = Optional.empty();
                if (settings.compareDense()) {
                    shuffle.restart();
                    dense = Optional.of(trainDense(train, test));
                }
                return new DemoResult(
                        settings,
                        schedule,
                        hesso,
                        dense,
                        metrics,
                        counted,
                        before,
                        after,
                        compaction);
            }
        }
    }

    /**
     * Describes the MACs per image before and after removing the pruned channels, as the compaction
     * report would count them, for either target.
     */
    private static String macs(Block block, DiscoveryReport report, HessoOptimizer optimizer) {
        ChannelCosts costs =
                new ChannelCosts(
                        BlockMacs.of(block, report, block.getInputShapes()),
                        new ChannelIndex(optimizer.nodeGroups(), 1));
        int[] kept = costs.fullWidths();
        List<NodeGroup> groups = costs.index().prunableGroups();
        Map<String, int[]> pruned = optimizer.prunedChannels();
        for (int g = 0; g < kept.length; g++) {
            kept[g] -= pruned.get(groups.get(g).name()).length;
        }
        long after = costs.cost(kept);
        return String.format(
                "MACs per image %,d dense -> %,d without the pruned channels (%.3f)%s",
                costs.denseCost(),
                after,
                (double) after / costs.denseCost(),
                optimizer
                        .costReport()
                        .map(r -> String.format("; MAC budget %.3f", r.targetFraction()))
                        .orElse(""));
    }

    /** HESSO's target: the MAC budget when one is set, else the group sparsity. */
    private static HessoSettings.Builder target(DemoSettings settings) {
        HessoSettings.Builder builder = HessoSettings.builder();
        return settings.targetMacs() != null
                ? builder.optTargetMacs(settings.targetMacs())
                : builder.optTargetGroupSparsity(settings.sparsity());
    }

    private Training trainDense(FashionMnist train, FashionMnist test)
            throws IOException, TranslateException {
        Engine.getInstance().setRandomSeed(settings.seed());
        try (Model model = Model.newInstance("fashion-cnn-sgd")) {
            model.setBlock(BuiltinModels.fashionCnn());
            Optimizer sgd =
                    Optimizer.sgd()
                            .setLearningRateTracker(Tracker.fixed(settings.learningRate()))
                            .optMomentum(DemoSettings.MOMENTUM)
                            .build();
            return train(model, sgd, null, train, test, "SGD");
        }
    }

    private Training train(
            Model model,
            Optimizer optimizer,
            HessoOptimizer hesso,
            FashionMnist train,
            FashionMnist test,
            String label)
            throws IOException, TranslateException {
        long start = System.nanoTime();
        try (ProgressLine progress =
                new ProgressLine(out, label, settings.stepsPerEpoch(), settings.epochs(), hesso)) {
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(optimizer)
                            .addTrainingListeners(progress);
            if (hesso != null) {
                config.addTrainingListeners(hesso.trainingListener());
            }
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(
                        new Shape(
                                settings.batchSize(),
                                1,
                                FashionMnist.IMAGE_SIZE,
                                FashionMnist.IMAGE_SIZE));
                double trainAccuracy = 0;
                for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                    for (Batch batch : trainer.iterateDataset(train)) {
                        try (batch) {
                            EasyTrain.trainBatch(trainer, batch);
                            trainer.step();
                        }
                    }
                    trainAccuracy = progress.trainAccuracy();
                    trainer.notifyListeners(listener -> listener.onEpoch(trainer));
                }
                double testAccuracy = testAccuracy(trainer, test);
                return new Training(testAccuracy, trainAccuracy, (System.nanoTime() - start) / 1e9);
            }
        }
    }

    /**
     * Returns the accuracy of a trained model on a dataset, with batch norm in inference mode.
     *
     * @param trainer the trainer of the model
     * @param data the dataset
     * @return correct predictions over images
     * @throws IOException if the data cannot be read
     * @throws TranslateException if DJL cannot batch the data
     */
    public static double testAccuracy(Trainer trainer, Dataset data)
            throws IOException, TranslateException {
        long correct = 0;
        long seen = 0;
        for (Batch batch : trainer.iterateDataset(data)) {
            try (batch) {
                NDList predictions = trainer.evaluate(batch.getData());
                NDArray labels = batch.getLabels().singletonOrThrow();
                try (NDArray classes = predictions.singletonOrThrow().argMax(1);
                        NDArray truth = labels.toType(DataType.INT64, false);
                        NDArray hits = classes.eq(truth);
                        NDArray count = hits.countNonzero()) {
                    correct += count.getLong();
                    seen += labels.getShape().get(0);
                }
                predictions.close();
            }
        }
        return seen == 0 ? 0 : (double) correct / seen;
    }
}
