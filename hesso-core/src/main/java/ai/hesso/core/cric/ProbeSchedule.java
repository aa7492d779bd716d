package ai.hesso.core.cric;

/**
 * The probe phase: for each prunable node group and each trial sparsity {@code r}, one step zeroes
 * the group's {@code max(1, floor(n * r))} lowest-scoring channels and the next step records the
 * loss of the probed model and restores the snapshot. Probe {@code p} (0-based) zeroes at phase
 * offset {@code 2p} and records at {@code 2p + 1}; probes run group by group, sparsities in the
 * given order.
 */
public final class ProbeSchedule {

    private final int[] groupChannels;
    private final double[] trialSparsities;

    /**
     * Creates the schedule.
     *
     * @param groupChannels the channel count of each prunable node group, in index order
     * @param trialSparsities the probe fractions, each in (0, 1)
     */
    public ProbeSchedule(int[] groupChannels, double[] trialSparsities) {
        this.groupChannels = groupChannels.clone();
        this.trialSparsities = trialSparsities.clone();
    }

    /**
     * Returns the number of steps of the probe phase, {@code 2 * sparsities * groups}.
     *
     * @return the phase length
     */
    public int length() {
        return 2 * probeCount();
    }

    /**
     * Returns the number of probes.
     *
     * @return groups times sparsities
     */
    public int probeCount() {
        return groupChannels.length * trialSparsities.length;
    }

    /**
     * Returns the node group a probe zeroes.
     *
     * @param probe the probe number
     * @return the position in the prunable groups
     */
    public int group(int probe) {
        return probe / trialSparsities.length;
    }

    /**
     * Returns how many channels a probe zeroes: {@code max(1, floor(n * r))}.
     *
     * @param probe the probe number
     * @return the channel count
     */
    public int zeroedChannels(int probe) {
        int n = groupChannels[group(probe)];
        double r = trialSparsities[probe % trialSparsities.length];
        return Math.max(1, (int) Math.floor(n * r));
    }
}
