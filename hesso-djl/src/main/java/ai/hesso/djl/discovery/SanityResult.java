package ai.hesso.djl.discovery;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of a zero-invariance check on one node group.
 *
 * @param group the group name
 * @param zeroedChannels the channels that were zeroed
 * @param maxDifference the largest absolute change of any output element when the consumers'
 *     matching input slices were overwritten with random values
 * @param tolerance the largest change accepted
 * @param passed whether {@code maxDifference <= tolerance}
 */
public record SanityResult(
        String group,
        List<Integer> zeroedChannels,
        double maxDifference,
        double tolerance,
        boolean passed) {

    /**
     * Validates and copies.
     *
     * @param group the group name
     * @param zeroedChannels the zeroed channels
     * @param maxDifference the largest output change
     * @param tolerance the accepted change
     * @param passed whether the check passed
     */
    public SanityResult {
        Objects.requireNonNull(group, "group");
        zeroedChannels = List.copyOf(zeroedChannels);
    }

    @Override
    public String toString() {
        return group
                + (passed ? " passed" : " FAILED")
                + " (zeroed "
                + zeroedChannels.size()
                + " channels, max difference "
                + maxDifference
                + ", tolerance "
                + tolerance
                + ")";
    }
}
