package ai.hesso.djl;

/**
 * What {@link HessoOptimizer} does with a step whose loss or any gradient holds a NaN or an
 * infinity.
 *
 * <p>The check runs once per step, at its first {@code update} call, before any tensor is touched:
 * DJL's {@code Trainer.step()} calls {@code update} once per parameter, but every gradient of the
 * step is complete by then, so the optimizer reads all of them from the block (one sum per gradient
 * on the engine, one short copy to the host) and decides for the whole step. The loss is the one
 * handed over with {@link HessoOptimizer#setLoss} (the training listener does it in {@code
 * EasyTrain}); without it only the gradients are checked. With several devices the gradients of the
 * first device are checked (DJL adds the other devices' gradients into them parameter by parameter,
 * later in the step).
 */
public enum NonFinitePolicy {

    /**
     * The default: the step is skipped for every parameter, as if its batch had not been there. No
     * parameter, momentum, Adam moment, update count, saliency score, CRIC loss ratio or score
     * history changes, the step counter (and so the schedule and the learning rate tracker's step)
     * does not advance, the gradients are cleared so that they do not add to the next step's, and
     * BatchNorm's running statistics, which the step's forward pass already wrote, are written back
     * as they were after the last good step. The step is counted ({@code
     * HessoMetrics.skippedSteps()}) and logged at WARN with the step number and the first offending
     * parameter, in the block's parameter order, or the loss.
     */
    SKIP,

    /**
     * Throw a {@link NonFiniteStepException} at the first bad step, before any tensor is touched;
     * the gradients are left as they are.
     */
    FAIL
}
