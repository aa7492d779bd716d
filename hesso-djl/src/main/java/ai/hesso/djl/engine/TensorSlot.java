package ai.hesso.djl.engine;

import ai.djl.Device;
import java.util.Objects;

/**
 * One copy of one trainable tensor: the parameter's path in {@code block.getParameters()} and the
 * device of the copy. DJL updates each copy separately and keeps optimizer state per (parameter,
 * device); every piece of HESSO's engine state (directions, snapshots, step boundaries) is keyed by
 * this record.
 *
 * @param parameter the parameter path, e.g. {@code 01Conv2d_weight}
 * @param device the device of the copy
 */
public record TensorSlot(String parameter, Device device) {

    /**
     * Validates.
     *
     * @param parameter the parameter path, not null
     * @param device the device, not null
     */
    public TensorSlot {
        Objects.requireNonNull(parameter, "parameter");
        Objects.requireNonNull(device, "device");
    }
}
