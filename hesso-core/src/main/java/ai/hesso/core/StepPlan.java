package ai.hesso.core;

import ai.hesso.core.identification.ChannelMasks;

/**
 * What the engine does with every trainable tensor in one step, in this order:
 *
 * <ol>
 *   <li>if {@link #snapshot()}: copy all trainable tensors aside;
 *   <li>if {@link #restore()}: overwrite them with the copy;
 *   <li>if {@link #update()}: {@code x <- x - lr * d} (with AdamW's decoupled decay first);
 *   <li>rows of the {@linkplain ChannelMasks#redundant redundant} channels are multiplied by {@link
 *       #redundantFactor()}, rows of {@linkplain ChannelMasks#pruned pruned} channels are set to
 *       exactly zero.
 * </ol>
 *
 * @param step the 1-based step number
 * @param phase the phase of this step
 * @param snapshot whether to snapshot all trainable tensors first
 * @param restore whether to restore the snapshot before the update
 * @param update whether to apply the gradient step
 * @param redundantFactor the factor for redundant rows, in {@code [0, 1]}
 * @param masks the redundant and pruned channels of each prunable node group
 */
public record StepPlan(
        int step,
        Phase phase,
        boolean snapshot,
        boolean restore,
        boolean update,
        double redundantFactor,
        ChannelMasks masks) {}
