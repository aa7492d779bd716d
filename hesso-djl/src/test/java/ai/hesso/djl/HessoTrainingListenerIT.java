package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.hesso.core.HessoSettings;
import ai.hesso.fixtures.SyntheticData;
import ai.hesso.fixtures.TinyModels;
import ai.hesso.testing.LogCapture;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The listener hands each batch's loss to the optimizer before {@code trainer.step()}. */
class HessoTrainingListenerIT {

    @RegisterExtension final LogCapture log = LogCapture.warningsOf(HessoTrainingListener.class);

    @Test
    void eachBatchLossReachesTheOptimizerBeforeTheStep() {
        try (NDManager manager = NDManager.newBaseManager();
                Model model = Model.newInstance("listener")) {
            model.setBlock(TinyModels.mlp(6, 8, 3));
            HessoOptimizer hesso =
                    Hesso.sgd()
                            .setLearningRate(0.1)
                            .setBlock(model.getBlock())
                            .setPruning(
                                    HessoSettings.builder()
                                            .optTargetGroupSparsity(0.25)
                                            .optStartPruningStep(2)
                                            .setPruningSteps(4)
                                            .build())
                            .build();
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(hesso)
                            .addTrainingListeners(hesso.trainingListener());
            List<NDList> batches = SyntheticData.fixedBatches(manager, 3, 8, new Shape(6), 3, 5);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(8, 6));
                for (NDList data : batches) {
                    Batch batch =
                            new Batch(
                                    manager,
                                    new NDList(data.get(0)),
                                    new NDList(data.get(1)),
                                    1,
                                    null,
                                    null,
                                    0,
                                    1);
                    assertTrue(Double.isNaN(hesso.pendingLoss()), "consumed by the last step");
                    EasyTrain.trainBatch(trainer, batch);
                    double expected;
                    // no dropout or batch norm: the same forward pass gives the same loss
                    NDList predictions = trainer.forward(new NDList(data.get(0)));
                    try (NDArray loss =
                            trainer.getLoss().evaluate(new NDList(data.get(1)), predictions)) {
                        expected = loss.getFloat();
                    }
                    predictions.close();
                    assertEquals(expected, hesso.pendingLoss(), 1e-6);
                    trainer.step();
                }
                assertEquals(3, hesso.driver().step());
            }
            // three steps end inside the pruning period (steps 2 to 5): the listener says so at the
            // end, with the step pruning completes with
            assertEquals(
                    List.of(
                            "training ended before HESSO finished pruning: "
                                    + hesso.metrics()
                                    + "; pruning completes at step 5: train longer, start pruning"
                                    + " earlier or shorten pruningSteps so that all periods end"
                                    + " within training"),
                    log.take());
        }
    }
}
