package ai.hesso.core.identification;

import ai.hesso.core.ChannelState;
import ai.hesso.core.saliency.ChannelStatistics;
import java.util.List;
import java.util.Objects;

/**
 * Everything an {@link Identification} decides from, as one value: what a checkpoint stores and
 * {@link Identification#restore} takes back.
 *
 * @param channels the state of every prunable channel, in global index order
 * @param masksVersion the version of the current {@link ChannelMasks}, so that a restored run's
 *     masks keep counting from where the saved run's were
 * @param adjustedTarget {@code K} adjusted by {@code groupDivisible} so far
 * @param lastStatistics the statistics of the last scoring step (for the metrics' norms), or null
 *     before the first
 * @param progress the strategy's own progress
 */
public record IdentificationState(
        List<ChannelState> channels,
        long masksVersion,
        int adjustedTarget,
        ChannelStatistics lastStatistics,
        IdentificationProgress progress) {

    /**
     * Validates and copies.
     *
     * @param channels the channel states, no null entry
     * @param masksVersion the masks version, at least 0
     * @param adjustedTarget the adjusted target, at least 0
     * @param lastStatistics the last statistics, or null
     * @param progress the progress, not null
     */
    public IdentificationState {
        channels = List.copyOf(channels);
        Objects.requireNonNull(progress, "progress");
        if (masksVersion < 0 || adjustedTarget < 0) {
            throw new IllegalArgumentException(
                    "masksVersion and adjustedTarget must be >= 0, got "
                            + masksVersion
                            + " and "
                            + adjustedTarget);
        }
    }
}
