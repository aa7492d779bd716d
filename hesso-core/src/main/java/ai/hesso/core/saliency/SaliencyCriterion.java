package ai.hesso.core.saliency;

/**
 * One way to score channels: statistics in, one raw score per channel out (lower means more
 * redundant). Scores are normalised and mixed by {@link SaliencyMix}; implement this interface to
 * add a criterion of your own.
 */
public interface SaliencyCriterion {

    /**
     * Returns a short, unique key used in reports and configuration, e.g. {@code magnitude}.
     *
     * @return the key
     */
    String key();

    /**
     * Computes the raw score of every channel.
     *
     * @param statistics the engine's per-channel reductions
     * @return a new array with one finite, non-negative score per channel
     */
    double[] score(ChannelStatistics statistics);
}
