package ai.hesso.core.cric;

/** The running mean of every channel's saliency scores over the sampled steps. */
public final class ScoreHistory {

    private final double[] sums;
    private int samples;

    /**
     * Creates an empty history.
     *
     * @param channels the number of channels N
     */
    public ScoreHistory(int channels) {
        sums = new double[channels];
    }

    /**
     * Restores a history from its sums and sample count.
     *
     * @param sums the sum of every channel's scores, copied
     * @param samples the number of score vectors those sums hold, at least 0
     */
    public ScoreHistory(double[] sums, int samples) {
        if (samples < 0) {
            throw new IllegalArgumentException("samples must be >= 0, got " + samples);
        }
        this.sums = sums.clone();
        this.samples = samples;
    }

    /**
     * Returns the sum of every channel's scores.
     *
     * @return a new array
     */
    public double[] sums() {
        return sums.clone();
    }

    /**
     * Adds one step's scores.
     *
     * @param scores one score per channel
     */
    public void add(double[] scores) {
        if (scores.length != sums.length) {
            throw new IllegalArgumentException(
                    "expected " + sums.length + " scores, got " + scores.length);
        }
        for (int i = 0; i < sums.length; i++) {
            sums[i] += scores[i];
        }
        samples++;
    }

    /**
     * Returns the number of steps added.
     *
     * @return the sample count
     */
    public int samples() {
        return samples;
    }

    /**
     * Returns the mean score of every channel (zeros before the first sample).
     *
     * @return a new array
     */
    public double[] means() {
        double[] means = new double[sums.length];
        if (samples > 0) {
            for (int i = 0; i < means.length; i++) {
                means[i] = sums[i] / samples;
            }
        }
        return means;
    }
}
