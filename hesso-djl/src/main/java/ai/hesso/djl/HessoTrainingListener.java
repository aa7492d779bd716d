package ai.hesso.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.hesso.core.HessoMetrics;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects {@link HessoOptimizer} to DJL's training loop: after each batch's backward pass (and
 * before {@code trainer.step()}) it hands the batch loss to the optimizer, which CRIC needs; at the
 * end of each epoch it logs the group sparsity, the pruned, redundant and important counts, the
 * phase and the period.
 *
 * <p>The loss is the trainer's loss evaluated on the batch's labels and predictions, averaged over
 * devices. Add it with {@code config.addTrainingListeners(optimizer.trainingListener())}.
 */
public final class HessoTrainingListener extends TrainingListenerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(HessoTrainingListener.class);

    private final HessoOptimizer optimizer;
    private int epoch;

    HessoTrainingListener(HessoOptimizer optimizer) {
        this.optimizer = optimizer;
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        double sum = 0;
        int devices = 0;
        for (Map.Entry<Device, NDList> entry : batchData.getLabels().entrySet()) {
            NDList predictions = batchData.getPredictions().get(entry.getKey());
            try (NDArray loss = trainer.getLoss().evaluate(entry.getValue(), predictions)) {
                sum += loss.toType(DataType.FLOAT64, false).getDouble();
            }
            devices++;
        }
        if (devices > 0) {
            optimizer.setLoss(sum / devices);
        }
    }

    /** {@inheritDoc} */
    @Override
    public void onEpoch(Trainer trainer) {
        epoch++;
        logger.info("epoch {}: HESSO {}", epoch, optimizer.metrics());
        optimizer
                .costReport()
                .ifPresent(report -> logger.info("epoch {}: HESSO {}", epoch, report));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Warns when training ended before pruning completed ({@link
     * HessoOptimizer#pruningComplete()}): such a model is only partly pruned, and compacting it
     * with the optimizer is refused unless asked for explicitly.
     */
    @Override
    public void onTrainingEnd(Trainer trainer) {
        HessoMetrics metrics = optimizer.metrics();
        if (metrics.step() == 0 || optimizer.pruningComplete()) {
            return;
        }
        logger.warn(
                "training ended before HESSO finished pruning: {}; pruning completes {}:"
                        + " train longer, start pruning earlier or shorten pruningSteps so that"
                        + " all periods end within training",
                metrics,
                optimizer.driver().pruningEnd());
    }
}
