package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.Phase;
import ai.hesso.core.cric.CricSettings;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.variant.Variant;
import ai.hesso.core.variant.VariantSettings;
import ai.hesso.fixtures.SyntheticData;
import ai.hesso.fixtures.TinyModels;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class HessoLongRunIT {

    @Test
    void liveArrayCountIsFlatOverTwoThousandSteps() {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDList> batches = SyntheticData.fixedBatches(manager, 16, 8, new Shape(6), 3, 31);
            try (TrainingHarness run =
                    new TrainingHarness(
                            TinyModels.mlp(6, 16, 3),
                            new Shape(8, 6),
                            2,
                            b ->
                                    HessoBuilders.of(
                                                    VariantSettings.adam(
                                                            Variant.ADAM, 0.9, 0.999, 0))
                                            .setLearningRateTracker(Tracker.fixed(0.01f))
                                            .setBlock(b)
                                            .setPruning(
                                                    HessoSettings.builder()
                                                            .optTargetGroupSparsity(0.5)
                                                            .optStartPruningStep(20)
                                                            .setPruningSteps(1500)
                                                            .optPruningPeriods(10)
                                                            .build())
                                            .build())) {
                HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
                NDManager modelManager = run.model.getNDManager();
                // the last period ends at step 1519; by then both groups have pruned channels: the
                // optimizer holds Adam's two moments per parameter, two indicators per group, one
                // step multiplier and one keep multiplier (0 on pruned rows) per group and rank
                for (int k = 0; k < 1530; k++) {
                    run.step(batches.get(k % batches.size()));
                }
                assertEquals(6 * 2 + 2 * 2 + 2 * 2 + 2 * 2, hesso.liveStateArrays());
                int modelArrays = modelManager.getManagedArrays().size();
                int optimizerArrays = hesso.liveStateArrays();
                for (int k = 1530; k < 2000; k++) {
                    run.step(batches.get(k % batches.size()));
                }
                assertEquals(Phase.PRUNED, hesso.metrics().phase());
                assertEquals(16, hesso.metrics().pruned());
                assertEquals(modelArrays, modelManager.getManagedArrays().size());
                assertEquals(optimizerArrays, hesso.liveStateArrays());
            }
        }
    }

    @Test
    void prunedChannelsStayExactlyZeroOverFourThousandStepsWithDecayAndMomentum() {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDList> batches = SyntheticData.fixedBatches(manager, 16, 8, new Shape(6), 3, 37);
            try (TrainingHarness run =
                    new TrainingHarness(
                            TinyModels.mlp(6, 16, 3),
                            new Shape(8, 6),
                            3,
                            b ->
                                    HessoBuilders.of(VariantSettings.sgd(0.9, 0, 5e-3))
                                            .setLearningRateTracker(Tracker.fixed(0.05f))
                                            .setBlock(b)
                                            .optTotalSteps(4000)
                                            .setPruning(
                                                    HessoSettings.builder()
                                                            .optTargetGroupSparsity(0.5)
                                                            .optStartPruningStep(50)
                                                            .setPruningSteps(500)
                                                            .optPruningPeriods(5)
                                                            .build())
                                            .build())) {
                HessoOptimizer hesso = (HessoOptimizer) run.optimizer;
                NDManager modelManager = run.model.getNDManager();
                // the last period ends at step 549; from then on nothing may grow
                for (int k = 0; k < 1000; k++) {
                    run.step(batches.get(k % batches.size()));
                }
                int modelArrays = modelManager.getManagedArrays().size();
                int optimizerArrays = hesso.liveStateArrays();
                for (int k = 1000; k < 4000; k++) {
                    run.step(batches.get(k % batches.size()));
                }
                assertEquals(4000, hesso.metrics().step());
                assertEquals(Phase.PRUNED, hesso.metrics().phase());
                assertEquals(16, hesso.metrics().pruned());
                assertEquals(16, hesso.metrics().verifiedZero());
                assertEquals(0, hesso.metrics().skippedSteps());
                int zeros = 0;
                for (NodeGroup group : hesso.driver().channelIndex().prunableGroups()) {
                    zeros += run.zeroChannels(group);
                }
                assertEquals(16, zeros);
                assertEquals(modelArrays, modelManager.getManagedArrays().size());
                assertEquals(optimizerArrays, hesso.liveStateArrays());
            }
        }
    }

    @Test
    void cricEndToEndWithTheTrainingListener() throws IOException, TranslateException {
        try (NDManager manager = NDManager.newBaseManager();
                Model model = Model.newInstance("cric")) {
            ArrayDataset data = SyntheticData.blobs(manager, 160, 6, 3, 41, 8);
            model.setBlock(TinyModels.mlp(6, 16, 3));
            HessoOptimizer hesso =
                    Hesso.sgd()
                            .optMomentum(0.9)
                            .setLearningRateTracker(Tracker.fixed(0.05f))
                            .setBlock(model.getBlock())
                            .setPruning(
                                    HessoSettings.builder()
                                            .optTargetGroupSparsity(0.25)
                                            .optCric(
                                                    CricSettings.builder()
                                                            .setStartCricStep(5)
                                                            .optSamplingSteps(3)
                                                            .optMaxCycles(2)
                                                            .optHybridTrainingSteps(6)
                                                            .build())
                                            .build())
                            .build();
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(hesso)
                            .addTrainingListeners(hesso.trainingListener());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(8, 6));
                EasyTrain.fit(trainer, 3, data, null);
            }
            // two hidden layers of 16 are prunable, the head feeds the loss: K = 8
            assertEquals(Phase.PRUNED, hesso.metrics().phase());
            assertEquals(8, hesso.metrics().pruned());
            int zeros = 0;
            for (NodeGroup group : hesso.driver().channelIndex().prunableGroups()) {
                zeros += TrainingHarness.zeroChannels(model.getBlock(), group);
            }
            assertEquals(8, zeros);
        }
    }
}
