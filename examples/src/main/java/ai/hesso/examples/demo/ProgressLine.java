package ai.hesso.examples.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.hesso.djl.HessoOptimizer;
import java.io.PrintWriter;
import java.util.Map;

/**
 * A training listener that keeps the running loss and accuracy of the current epoch and redraws one
 * progress line ({@code \r}) every few batches: bar, step, loss, accuracy and, for HESSO, the group
 * sparsity and phase.
 */
final class ProgressLine extends TrainingListenerAdapter {

    private static final int WIDTH = 24;

    private final PrintWriter out;
    private final String label;
    private final int stepsPerEpoch;
    private final int epochs;
    private final HessoOptimizer hesso;
    private int epoch;
    private int step;
    private double lossSum;
    private long correct;
    private long seen;

    /**
     * Creates the listener.
     *
     * @param out where to draw, or null for silence
     * @param label the run's label, e.g. {@code HESSO}
     * @param stepsPerEpoch the steps of an epoch
     * @param epochs the epochs
     * @param hesso the optimizer whose metrics to show, or null
     */
    ProgressLine(
            PrintWriter out, String label, int stepsPerEpoch, int epochs, HessoOptimizer hesso) {
        this.out = out;
        this.label = label;
        this.stepsPerEpoch = stepsPerEpoch;
        this.epochs = epochs;
        this.hesso = hesso;
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        for (Map.Entry<ai.djl.Device, NDList> e : batchData.getLabels().entrySet()) {
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
        if (step % 10 == 0 || step == stepsPerEpoch) {
            draw();
        }
    }

    /** {@inheritDoc} */
    @Override
    public void onEpoch(Trainer trainer) {
        if (out != null) {
            out.println();
            out.flush();
        }
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

    private void draw() {
        if (out == null || seen == 0) {
            return;
        }
        int filled = (int) ((long) WIDTH * step / stepsPerEpoch);
        String bar = "=".repeat(filled) + " ".repeat(WIDTH - filled);
        StringBuilder line =
                new StringBuilder(
                        String.format(
                                "\r%-5s epoch %d/%d [%s] %4d/%d  loss %.3f  acc %.3f",
                                label,
                                epoch + 1,
                                epochs,
                                bar,
                                step,
                                stepsPerEpoch,
                                lossSum / seen,
                                (double) correct / seen));
        if (hesso != null) {
            line.append(
                    String.format(
                            "  sparsity %.3f %-7s",
                            hesso.metrics().groupSparsity(), hesso.metrics().phase()));
        }
        out.print(line);
        out.flush();
    }
}
