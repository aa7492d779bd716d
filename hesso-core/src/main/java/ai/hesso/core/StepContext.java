package ai.hesso.core;

import ai.hesso.core.saliency.ChannelStatistics;

/**
 * What the driver may ask of the engine during one step. Both methods are called at most when
 * needed, so an engine can compute them lazily; each may be called more than once per step and must
 * then return the same answer.
 */
public interface StepContext {

    /**
     * Reduces the current values {@code x} and this step's update direction {@code d} per prunable
     * channel. The direction is previewed: the update variant's state (momentum, Adam moments)
     * advances only when the step applies its update, and then with the same {@code d}.
     *
     * @return the statistics over all N prunable channels, in global index order
     */
    ChannelStatistics channelStatistics();

    /**
     * Returns the training loss of this step's forward pass (needed by CRIC only).
     *
     * @return the loss, finite
     * @throws IllegalStateException if the engine was not given the loss
     */
    double loss();
}
