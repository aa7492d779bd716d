package ai.hesso.djl;

import ai.djl.Device;
import java.util.HashSet;
import java.util.Set;

/**
 * Tells when DJL starts a new optimizer step. DJL calls {@code update} once per trainable parameter
 * and device copy per step, in a fixed but arbitrary order, with no call that marks the step
 * itself; a step therefore begins whenever a (parameter, device) pair comes back.
 */
final class StepBoundary {

    private final Set<String> seenThisStep = new HashSet<>();

    /**
     * Records one {@code update} call.
     *
     * @param parameterId DJL's parameter id
     * @param device the device of the copy being updated
     * @return true when this call is the first of a new step
     */
    boolean isFirstCallOfStep(String parameterId, Device device) {
        String key = parameterId + '@' + device;
        if (seenThisStep.isEmpty() || seenThisStep.contains(key)) {
            seenThisStep.clear();
            seenThisStep.add(key);
            return true;
        }
        seenThisStep.add(key);
        return false;
    }
}
