package ai.hesso.examples.demo;

import ai.hesso.djl.compact.ChannelSelection;
import ai.hesso.djl.compact.CompactionReport;
import ai.hesso.examples.bench.PairedInference;
import java.nio.file.Path;

/**
 * What the demo's compaction step measured: the channels removed, the compact model against the
 * zeroed model on the test set, their inference throughput, where both were saved and the reloaded
 * compact model's test results, and the exported {@code compact.onnx} run in ONNX Runtime.
 *
 * @param removed HESSO's pruned channels, the ones compaction removed
 * @param removedAreExactlyZero whether they are exactly the channels whose member rows are all zero
 *     in the trained arrays
 * @param report the per-layer channels, parameters and MACs before and after
 * @param zeroed the zeroed full-size model on the test set (the reference)
 * @param compact the compact model on the test set, compared with {@code zeroed} in the same pass
 * @param reloaded the compact model reloaded from its files, compared with {@code compact} in one
 *     pass
 * @param timing the paired inference timing of the zeroed and the compact model
 * @param denseFile the zeroed model's parameter file
 * @param compactDirectory the compact model's directory
 * @param onnx the exported file run in ONNX Runtime on the test set, compared with {@code compact}
 *     in one pass
 * @param onnxFile the exported file ({@code compact.onnx} in the compact model's directory)
 */
public record CompactionSummary(
        ChannelSelection removed,
        boolean removedAreExactlyZero,
        CompactionReport report,
        Evaluation zeroed,
        Evaluation compact,
        Evaluation reloaded,
        PairedInference.Timing timing,
        Path denseFile,
        Path compactDirectory,
        Evaluation onnx,
        Path onnxFile) {

    /**
     * Returns the test images on which the compact model predicts another class than the zeroed
     * model.
     *
     * @return the count, 0 when compaction kept the function
     */
    public int compactDifferingPredictions() {
        return compact.differingPredictions(zeroed);
    }

    /**
     * Returns the test images on which the reloaded model predicts another class than the compact
     * model it was saved from.
     *
     * @return the count, 0 when saving and loading kept the function
     */
    public int reloadedDifferingPredictions() {
        return reloaded.differingPredictions(compact);
    }

    /**
     * Counts the test images on which ONNX Runtime predicts another class than the compact model.
     *
     * @return the number of differing predictions
     */
    public int onnxDifferingPredictions() {
        return onnx.differingPredictions(compact);
    }
}
