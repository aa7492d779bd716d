package ai.hesso.djl.engine;

import java.util.HashSet;
import java.util.Set;

/**
 * Tells when DJL starts a new optimizer step. DJL calls {@code update} once per trainable parameter
 * and device copy per step, in a fixed but arbitrary order, with no call that marks the step
 * itself; a step therefore begins whenever a slot comes back.
 */
public final class StepBoundary {

    private final Set<TensorSlot> seenThisStep = new HashSet<>();

    /** Creates a boundary that has seen no call yet. */
    public StepBoundary() {}

    /**
     * Records one {@code update} call.
     *
     * @param slot the parameter and device copy being updated
     * @return true when this call is the first of a new step
     */
    public boolean isFirstCallOfStep(TensorSlot slot) {
        if (seenThisStep.isEmpty() || seenThisStep.contains(slot)) {
            seenThisStep.clear();
            seenThisStep.add(slot);
            return true;
        }
        seenThisStep.add(slot);
        return false;
    }
}
