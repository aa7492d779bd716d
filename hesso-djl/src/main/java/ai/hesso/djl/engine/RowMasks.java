package ai.hesso.djl.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.hesso.core.StepPlan;
import ai.hesso.core.group.ChannelAxis;
import ai.hesso.core.identification.ChannelMasks;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The per-channel row multipliers of each prunable node group, on each device: {@code 1} for
 * important rows, the plan's factor for redundant rows, {@code 0} for pruned rows.
 *
 * <p>The 0/1 indicator arrays are built only when the core's masks change (once per period), and a
 * step's multiplier {@code important + factor * redundant} once per group and device, then shared
 * by all member tensors, in the member's own type (so float64 tensors get the float64 factor). The
 * multiplier is exact: {@code 1 + 0}, {@code 0 + factor} or {@code 0 + 0}, so a redundant row is
 * multiplied by exactly the factor. The keep multiplier ({@code 0} for pruned rows, {@code 1}
 * otherwise) clears the pruned rows of gradients and moments, so that they cannot push a pruned
 * channel back.
 */
final class RowMasks implements AutoCloseable {

    private final NDManager manager;
    private long version = -1;
    private final Map<IndicatorKey, NDArray> indicators = new HashMap<>();
    private final Map<MultiplierKey, NDArray> stepMultipliers = new HashMap<>();
    private final Map<MultiplierKey, NDArray> keepMultipliers = new HashMap<>();
    private int multiplierStep = -1;

    /** One group's 0/1 indicator of important (or redundant) rows, on one device and type. */
    private record IndicatorKey(
            int group, Device device, DataType type, boolean important, int rowsPerChannel) {}

    /** One group's step multiplier, shaped for members of one rank and channel axis. */
    private record MultiplierKey(
            int group, Device device, DataType type, ChannelAxis axis, int rank, int rows) {}

    RowMasks(NDManager manager) {
        this.manager = manager;
    }

    /**
     * Returns the multiplier of one group on one device for a plan, shaped to broadcast over a
     * member tensor of rank {@code rank} and type {@code type} with channels on {@code axis}; null
     * when the group has no redundant or pruned rows. A member whose channels own {@code
     * rowsPerChannel} consecutive indices (an attention head's rows) gets each channel's factor
     * repeated that many times.
     */
    NDArray multiplier(
            StepPlan plan,
            int group,
            int channels,
            Device device,
            DataType type,
            ChannelAxis axis,
            int rank,
            int rowsPerChannel) {
        ChannelMasks masks = plan.masks();
        if (!masks.touches(group)) {
            return null;
        }
        follow(masks);
        if (plan.step() != multiplierStep) {
            stepMultipliers.values().forEach(NDArray::close);
            stepMultipliers.clear();
            multiplierStep = plan.step();
        }
        MultiplierKey key = new MultiplierKey(group, device, type, axis, rank, rowsPerChannel);
        NDArray multiplier = stepMultipliers.get(key);
        if (multiplier == null) {
            NDArray important =
                    indicator(group, device, type, channels, rowsPerChannel, masks, true);
            NDArray redundant =
                    indicator(group, device, type, channels, rowsPerChannel, masks, false);
            try (NDArray scaled = redundant.mul(plan.redundantFactor());
                    NDArray flat = important.add(scaled)) {
                multiplier =
                        flat.reshape(
                                ChannelRows.broadcastShape(channels * rowsPerChannel, axis, rank));
            }
            stepMultipliers.put(key, multiplier);
        }
        return multiplier;
    }

    /**
     * Returns the 0/1 multiplier of one group's rows that are not pruned ({@code 0} for pruned
     * rows, {@code 1} for the others), shaped like {@link #multiplier}; null when the group has no
     * pruned row. It changes only with the masks, so it is built once per masks version.
     */
    NDArray keep(
            ChannelMasks masks,
            int group,
            int channels,
            Device device,
            DataType type,
            ChannelAxis axis,
            int rank,
            int rowsPerChannel) {
        if (masks.pruned(group).length == 0) {
            return null;
        }
        follow(masks);
        MultiplierKey key = new MultiplierKey(group, device, type, axis, rank, rowsPerChannel);
        NDArray keep = keepMultipliers.get(key);
        if (keep == null) {
            NDArray important =
                    indicator(group, device, type, channels, rowsPerChannel, masks, true);
            NDArray redundant =
                    indicator(group, device, type, channels, rowsPerChannel, masks, false);
            try (NDArray flat = important.add(redundant)) {
                keep =
                        flat.reshape(
                                ChannelRows.broadcastShape(channels * rowsPerChannel, axis, rank));
            }
            keepMultipliers.put(key, keep);
        }
        return keep;
    }

    /** Drops every array built for older masks. */
    private void follow(ChannelMasks masks) {
        if (masks.version() != version) {
            close();
            version = masks.version();
        }
    }

    private NDArray indicator(
            int group,
            Device device,
            DataType type,
            int channels,
            int rows,
            ChannelMasks masks,
            boolean important) {
        IndicatorKey key = new IndicatorKey(group, device, type, important, rows);
        return indicators.computeIfAbsent(
                key,
                k -> {
                    float[] perChannel = new float[channels];
                    if (important) {
                        Arrays.fill(perChannel, 1f);
                        for (int c : masks.redundant(group)) {
                            perChannel[c] = 0f;
                        }
                        for (int c : masks.pruned(group)) {
                            perChannel[c] = 0f;
                        }
                    } else {
                        for (int c : masks.redundant(group)) {
                            perChannel[c] = 1f;
                        }
                    }
                    float[] values = ChannelRows.perIndex(perChannel, rows);
                    try (NDManager onDevice = manager.newSubManager(device)) {
                        NDArray array = onDevice.create(values).toType(type, false);
                        array.attach(manager);
                        return array;
                    }
                });
    }

    /** Closes every indicator and multiplier array. */
    @Override
    public void close() {
        indicators.values().forEach(NDArray::close);
        indicators.clear();
        keepMultipliers.values().forEach(NDArray::close);
        keepMultipliers.clear();
        stepMultipliers.values().forEach(NDArray::close);
        stepMultipliers.clear();
    }
}
