package ai.hesso.examples.cric;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
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
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import ai.hesso.core.HessoMetrics;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.djl.Hesso;
import ai.hesso.djl.HessoOptimizer;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.examples.data.FashionMnist;
import ai.hesso.examples.demo.ChannelCensus;
import ai.hesso.examples.demo.DemoRun;
import ai.hesso.examples.demo.SeededSampler;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * One training run of {@code hesso cric}: the named model, one seed, plain HESSO or HESSO-CRIC, SGD
 * with momentum. The weights are seeded with {@code Engine.setRandomSeed(seed)} and the batches
 * shuffled by a {@link SeededSampler} of the same seed, so both identifications start from the same
 * network and see the same batches in the same order. The test accuracy is taken three times: at
 * the last warm-up step, right after the step at which every redundant channel is exactly zero
 * (pruned count equal to the adjusted target), and after every epoch.
 */
public final class CricBenchRun {

    private final CricBenchSettings settings;
    private final PrintWriter out;

    /**
     * Creates a run.
     *
     * @param settings the comparison's settings
     * @param out where one progress line per epoch goes, or null for none
     */
    public CricBenchRun(CricBenchSettings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    /**
     * Counts the prunable node groups of the model, as discovery finds them; CRIC's probe phase
     * takes {@value CricBenchSettings#PROBE_STEPS_PER_GROUP} steps for each.
     *
     * @return the number of prunable node groups
     */
    public int prunableGroups() {
        Shape input = inputShape(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = CricBenchModels.build(settings.model());
            block.initialize(manager, DataType.FLOAT32, input);
            return GroupDiscovery.builder().build().discover(block, input).prunableGroups().size();
        }
    }

    /**
     * Trains the model once.
     *
     * @param cric whether to identify with CRIC rather than with periods
     * @param seed the seed of the weights and the shuffling
     * @param pruning the pruning settings ({@link CricBenchSettings#hessoSettings()} or {@link
     *     CricBenchSettings#cricSettings(int)})
     * @return the measurements
     * @throws IOException if the data cannot be read
     * @throws TranslateException if DJL cannot batch the data
     */
    public CricBenchResult run(boolean cric, int seed, HessoSettings pruning)
            throws IOException, TranslateException {
        String method = cric ? "HESSO-CRIC" : "HESSO";
        long start = System.nanoTime();
        try (FashionMnist train = dataset(Dataset.Usage.TRAIN, seed);
                FashionMnist test = dataset(Dataset.Usage.TEST, seed)) {
            train.prepare();
            test.prepare();
            Engine.getInstance().setRandomSeed(seed);
            try (Model model = Model.newInstance("cric-bench-" + method)) {
                Block block = CricBenchModels.build(settings.model());
                model.setBlock(block);
                HessoOptimizer optimizer =
                        Hesso.sgd()
                                .optMomentum(CricBenchSettings.MOMENTUM)
                                .setLearningRateTracker(Tracker.fixed(settings.learningRate()))
                                .setBlock(block)
                                .setPruning(pruning)
                                .build();
                DefaultTrainingConfig config =
                        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                                .optOptimizer(optimizer)
                                .addTrainingListeners(optimizer.trainingListener());
                try (Trainer trainer = model.newTrainer(config)) {
                    trainer.initialize(inputShape(settings.batchSize()));
                    int step = 0;
                    double before = Double.NaN;
                    double after = Double.NaN;
                    int prunedStep = -1;
                    List<Double> epochs = new ArrayList<>();
                    for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                        for (Batch batch : trainer.iterateDataset(train)) {
                            try (batch) {
                                EasyTrain.trainBatch(trainer, batch);
                                trainer.step();
                            }
                            step++;
                            if (step == settings.startStep()) {
                                before = DemoRun.testAccuracy(trainer, test);
                            }
                            HessoMetrics m = optimizer.metrics();
                            if (prunedStep < 0
                                    && m.targetChannels() > 0
                                    && m.pruned() == m.targetChannels()) {
                                prunedStep = step;
                                after = DemoRun.testAccuracy(trainer, test);
                            }
                        }
                        trainer.notifyListeners(listener -> listener.onEpoch(trainer));
                        epochs.add(DemoRun.testAccuracy(trainer, test));
                        if (out != null) {
                            out.printf(
                                    "  %-10s seed %d epoch %d/%d: test accuracy %.4f; %s%n",
                                    method,
                                    seed,
                                    epoch + 1,
                                    settings.epochs(),
                                    epochs.get(epoch),
                                    optimizer.metrics());
                            out.flush();
                        }
                    }
                    ChannelCensus census = new ChannelCensus(block);
                    return new CricBenchResult(
                            method,
                            seed,
                            before,
                            prunedStep,
                            after,
                            epochs,
                            census.census(
                                    optimizer.nodeGroups().stream()
                                            .filter(NodeGroup::prunable)
                                            .toList()),
                            (System.nanoTime() - start) / 1e9);
                }
            }
        }
    }

    private FashionMnist dataset(Dataset.Usage usage, int seed) {
        FashionMnist.Builder builder =
                FashionMnist.builder().optDirectory(settings.dataDirectory()).optUsage(usage);
        if (usage == Dataset.Usage.TRAIN) {
            return builder.optLimit(settings.trainLimit())
                    .setSampling(new BatchSampler(new SeededSampler(seed), settings.batchSize()))
                    .build();
        }
        return builder.optLimit(settings.testLimit()).setSampling(256, false).build();
    }

    private static Shape inputShape(int batch) {
        return new Shape(batch, 1, FashionMnist.IMAGE_SIZE, FashionMnist.IMAGE_SIZE);
    }
}
