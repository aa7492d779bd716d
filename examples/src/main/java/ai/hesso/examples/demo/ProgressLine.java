package ai.hesso.examples.demo;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.hesso.djl.HessoOptimizer;
import ai.hesso.examples.progress.ProgressBars;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;

/**
 * A training listener that keeps the running loss and accuracy of the current epoch and shows them
 * on a progress bar over all steps of the run ({@link ProgressBars}): epoch, loss, accuracy and,
 * for HESSO, the group sparsity and phase. Close it when training ends, so that the bar writes its
 * last state.
 */
final class ProgressLine extends TrainingListenerAdapter implements AutoCloseable {

    /** The metrics are read from the engine every this many steps, not every step. */
    private static final int METRICS_EVERY = 10;

    private final int stepsPerEpoch;
    private final int epochs;
    private final HessoOptimizer hesso;
    private final ProgressBar bar;
    private int epoch;
    private int step;
    private double lossSum;
    private long correct;
    private long seen;

    /**
     * Creates the listener and starts its bar.
     *
     * @param out the command's output (the bar goes there when it is not a terminal), or null for
     *     no bar
     * @param label the run's label, e.g. {@code HESSO}
     * @param stepsPerEpoch the steps of an epoch
     * @param epochs the epochs
     * @param hesso the optimizer whose metrics to show, or null
     */
    ProgressLine(
            PrintWriter out, String label, int stepsPerEpoch, int epochs, HessoOptimizer hesso) {
        this.stepsPerEpoch = stepsPerEpoch;
        this.epochs = epochs;
        this.hesso = hesso;
        this.bar =
                out == null
                        ? null
                        : ProgressBars.start(label, (long) stepsPerEpoch * epochs, " steps", out);
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        for (Map.Entry<Device, NDList> e : batchData.getLabels().entrySet()) {
            NDList predictions = batchData.getPredictions().get(e.getKey());
            NDArray labels = e.getValue().singletonOrThrow();
            long n = labels.getShape().get(0);
            try (NDArray loss = trainer.getLoss().evaluate(e.getValue(), predictions);
                    NDArray classes = predictions.singletonOrThrow().argMax(1);
                    NDArray truth = labels.toType(DataType.INT64, false);
                    NDArray hits = classes.eq(truth);
                    NDArray count = hits.countNonzero()) {
                lossSum += loss.getFloat() * n;
                correct += count.getLong();
                seen += n;
            }
        }
        step++;
        if (bar != null) {
            bar.step();
            if (step % METRICS_EVERY == 0 || step == stepsPerEpoch) {
                ProgressBars.say(bar, metrics());
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public void onEpoch(Trainer trainer) {
        epoch++;
        step = 0;
        lossSum = 0;
        correct = 0;
        seen = 0;
    }

    /**
     * Returns the training accuracy of the epoch in progress (or just ended, before the next
     * batch).
     *
     * @return correct over seen, 0 before any batch
     */
    double trainAccuracy() {
        return seen == 0 ? 0 : (double) correct / seen;
    }

    /** Writes the bar's last state and stops it. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    private String metrics() {
        String line =
                String.format(
                        Locale.ROOT,
                        "epoch %d/%d loss %.3f acc %.3f",
                        epoch + 1,
                        epochs,
                        seen == 0 ? 0 : lossSum / seen,
                        trainAccuracy());
        if (hesso == null) {
            return line;
        }
        return line
                + String.format(
                        Locale.ROOT,
                        " sparsity %.3f %s",
                        hesso.metrics().groupSparsity(),
                        hesso.metrics().phase());
    }
}
