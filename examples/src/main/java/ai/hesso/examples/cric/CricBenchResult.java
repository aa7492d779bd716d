package ai.hesso.examples.cric;

import ai.hesso.examples.demo.ChannelCensus.GroupCensus;
import java.util.List;

/**
 * What one training run of {@code hesso cric} measured.
 *
 * @param method {@code HESSO} or {@code HESSO-CRIC}
 * @param seed the seed of the weights and the shuffling
 * @param beforePruning the test accuracy at the last warm-up step, before any channel moved
 * @param prunedStep the step after which every redundant channel was exactly zero
 * @param afterPruning the test accuracy right after that step
 * @param epochs the test accuracy after each epoch, the last one after the last step
 * @param groups the exactly-zero channels of each prunable node group at the end, read from the
 *     arrays
 * @param seconds the wall time of the run, testing included
 */
public record CricBenchResult(
        String method,
        int seed,
        double beforePruning,
        int prunedStep,
        double afterPruning,
        List<Double> epochs,
        List<GroupCensus> groups,
        double seconds) {

    /**
     * Copies the list.
     *
     * @param method the method
     * @param seed the seed
     * @param beforePruning the accuracy before pruning
     * @param prunedStep the step pruning completed
     * @param afterPruning the accuracy after pruning
     * @param epochs the accuracy after each epoch
     * @param groups the census
     * @param seconds the wall time
     */
    public CricBenchResult {
        epochs = List.copyOf(epochs);
        groups = List.copyOf(groups);
    }

    /**
     * Returns the test accuracy after the last step.
     *
     * @return the last of {@link #epochs()}
     */
    public double end() {
        return epochs.get(epochs.size() - 1);
    }

    /**
     * Returns the exactly-zero channels of all prunable node groups.
     *
     * @return the sum over {@link #groups()}
     */
    public int zeroChannels() {
        return groups.stream().mapToInt(GroupCensus::zeroChannels).sum();
    }
}
