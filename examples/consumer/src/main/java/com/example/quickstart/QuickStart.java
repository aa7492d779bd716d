package com.example.quickstart;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.translate.TranslateException;
import ai.hesso.core.HessoSettings;
import ai.hesso.djl.Hesso;
import ai.hesso.djl.HessoOptimizer;
import ai.hesso.djl.compact.CompactModel;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The README's quick start: train a small network once with HESSO, which leaves half of its
 * hidden units exactly zero, then compact it into a smaller network that computes the same
 * function, and save that.
 */
public final class QuickStart {

    private static final int FEATURES = 10;
    private static final int CLASSES = 3;
    private static final int SAMPLES = 1200;
    private static final int BATCH = 40;
    private static final int EPOCHS = 8;

    /** What the run gives: the pruned and target counts, sizes, and the output difference. */
    public record Result(
            int prunedChannels,
            int targetChannels,
            long parametersBefore,
            long parametersAfter,
            double maxAbsDifference) {}

    private QuickStart() {}

    /**
     * Runs the quick start and prints what it did.
     *
     * @param args optional: the directory to save the compact model in
     * @throws Exception if training or saving fails
     */
    public static void main(String[] args) throws Exception {
        Result r = run(Path.of(args.length > 0 ? args[0] : "compact-model"));
        System.out.printf(
                "pruned %d of the %d target channels; parameters %d -> %d; compact vs zeroed"
                        + " outputs differ by at most %.2e%n",
                r.prunedChannels(),
                r.targetChannels(),
                r.parametersBefore(),
                r.parametersAfter(),
                r.maxAbsDifference());
    }

    /**
     * Trains, compacts and saves.
     *
     * @param saveTo the directory for the compact model
     * @return what happened
     * @throws IOException if saving fails
     * @throws TranslateException if a training batch cannot be read
     */
    public static Result run(Path saveTo) throws IOException, TranslateException {
        Engine.getInstance().setRandomSeed(42);
        Block block =
                new SequentialBlock()
                        .add(Linear.builder().setUnits(64).build())
                        .add(Activation::relu)
                        .add(Linear.builder().setUnits(32).build())
                        .add(Activation::relu)
                        .add(Linear.builder().setUnits(CLASSES).build());
        int totalSteps = EPOCHS * (SAMPLES / BATCH);
        try (Model model = Model.newInstance("quickstart");
                HessoOptimizer hesso =
                        Hesso.sgd()
                                .setLearningRate(0.05)
                                .setBlock(block) // node groups are discovered from the block
                                .optMomentum(0.9)
                                .optWeightDecay(1e-4)
                                .setPruning(
                                        HessoSettings.builder()
                                                .optTargetGroupSparsity(0.5)
                                                .optSchedule(totalSteps)
                                                .build())
                                .build()) {
            model.setBlock(block);
            NDManager manager = model.getNDManager();
            ArrayDataset data = blobs(manager);
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(hesso)
                            .addTrainingListeners(hesso.trainingListener());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(BATCH, FEATURES));
                EasyTrain.fit(trainer, EPOCHS, data, null);
            }
            int pruned = hesso.metrics().pruned();
            int target = hesso.metrics().targetChannels();

            // the optimizer compacts the model it trained: its node groups, its pruned channels
            try (CompactModel compact = hesso.compact()) {
                System.out.print(compact.report().format());
                compact.save(saveTo);
                double diff = maxAbsDifference(block, compact.model().getBlock(), manager);
                return new Result(
                        pruned,
                        target,
                        compact.report().before().parameters(),
                        compact.report().after().parameters(),
                        diff);
            }
        }
    }

    private static ArrayDataset blobs(NDManager manager) {
        NDArray labels = manager.randomInteger(0, CLASSES, new Shape(SAMPLES), DataType.INT64);
        NDArray centers = manager.randomNormal(new Shape(CLASSES, FEATURES)).mul(3);
        NDArray features =
                centers.get(labels).add(manager.randomNormal(new Shape(SAMPLES, FEATURES)));
        return new ArrayDataset.Builder()
                .setData(features)
                .optLabels(labels.toType(DataType.FLOAT32, false))
                .setSampling(BATCH, true)
                .build();
    }

    private static double maxAbsDifference(Block zeroed, Block compact, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.randomNormal(new Shape(64, FEATURES));
            ParameterStore store = new ParameterStore(scope, false);
            NDArray a = zeroed.forward(store, new NDList(x), false).singletonOrThrow();
            NDArray b = compact.forward(store, new NDList(x), false).singletonOrThrow();
            return a.sub(b).abs().max().getFloat();
        }
    }
}
