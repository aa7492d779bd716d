package ai.hesso.examples.demo;

import ai.hesso.core.HessoMetrics;
import java.util.List;
import java.util.Optional;

/**
 * What a demo run measured.
 *
 * @param settings the settings of the run
 * @param schedule HESSO's schedule
 * @param hesso the HESSO-trained model's accuracies and time
 * @param dense the plain-SGD model's, when {@link DemoSettings#compareDense()} asked for it
 * @param metrics HESSO's metrics after the last step
 * @param groups the exactly-zero channels of each prunable node group, read from the arrays
 * @param denseParameters the trainable parameters of the model
 * @param compactParameters the trainable parameters left once the zero channels and their
 *     consumers' input slices are removed
 * @param compaction the compact model built from the trained one, checked, timed, saved and
 *     reloaded
 */
public record DemoResult(
        DemoSettings settings,
        DemoSettings.Schedule schedule,
        Training hesso,
        Optional<Training> dense,
        HessoMetrics metrics,
        List<ChannelCensus.GroupCensus> groups,
        long denseParameters,
        long compactParameters,
        CompactionSummary compaction) {

    /**
     * Copies the list.
     *
     * @param settings the settings
     * @param schedule the schedule
     * @param hesso the HESSO run
     * @param dense the dense run, if any
     * @param metrics the metrics
     * @param groups the census
     * @param denseParameters the dense parameter count
     * @param compactParameters the compact parameter count
     * @param compaction the compaction step's measurements
     */
    public DemoResult {
        groups = List.copyOf(groups);
    }

    /**
     * Returns the exactly-zero channels of all prunable groups, counted on the arrays.
     *
     * @return the sum over {@link #groups()}
     */
    public int zeroChannels() {
        return groups.stream().mapToInt(ChannelCensus.GroupCensus::zeroChannels).sum();
    }

    /**
     * Returns the channels of all prunable groups.
     *
     * @return N
     */
    public int prunableChannels() {
        return groups.stream().mapToInt(ChannelCensus.GroupCensus::channels).sum();
    }

    /**
     * One trained model's numbers.
     *
     * @param testAccuracy the accuracy on the test images
     * @param trainAccuracy the running accuracy over the last epoch's batches
     * @param seconds the wall time of training and testing
     */
    public record Training(double testAccuracy, double trainAccuracy, double seconds) {}
}
