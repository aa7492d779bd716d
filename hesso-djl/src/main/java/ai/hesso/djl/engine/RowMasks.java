package ai.hesso.djl.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
    private final Map<Rows, NDArray> stepMultipliers = new HashMap<>();
    private final Map<Rows, NDArray> keepMultipliers = new HashMap<>();
    private int multiplierStep = -1;

    /** One group's 0/1 indicator of important (or redundant) rows, on one device and type. */
    private record IndicatorKey(
            int group, Device device, DataType type, boolean important, int rowsPerChannel) {}

    /**
     * The rows of one member tensor that a multiplier is built for: its prunable group and the
     * group's channel count, the tensor's device and type, its channel axis and rank, and the
     * indices each channel owns on that axis (an attention head's rows). Members alike in all of
     * these share one multiplier.
     *
     * @param group the position in the prunable groups
     * @param channels the group's channel count
     * @param device the tensor's device
     * @param type the tensor's data type
     * @param axis the member's channel axis
     * @param rank the tensor's rank
     * @param rowsPerChannel the indices each channel owns on the axis
     */
    record Rows(
            int group,
            int channels,
            Device device,
            DataType type,
            ChannelAxis axis,
            int rank,
            int rowsPerChannel) {}

    RowMasks(NDManager manager) {
        this.manager = manager;
    }

    /**
     * Returns the multiplier of one group on one device for a plan, shaped to broadcast over a
     * member tensor described by {@code rows} (rank, type, channel axis); null when the group has
     * no redundant or pruned rows. A member whose channels own {@code rowsPerChannel} consecutive
     * indices (an attention head's rows) gets each channel's factor repeated that many times.
     */
    NDArray multiplier(StepPlan plan, Rows rows) {
        ChannelMasks masks = plan.masks();
        if (!masks.touches(rows.group())) {
            return null;
        }
        follow(masks);
        if (plan.step() != multiplierStep) {
            stepMultipliers.values().forEach(NDArray::close);
            stepMultipliers.clear();
            multiplierStep = plan.step();
        }
        NDArray multiplier = stepMultipliers.get(rows);
        if (multiplier == null) {
            NDArray important = indicator(rows, masks, true);
            NDArray redundant = indicator(rows, masks, false);
            try (NDArray scaled = redundant.mul(plan.redundantFactor());
                    NDArray flat = important.add(scaled)) {
                multiplier = flat.reshape(broadcastShape(rows));
            }
            stepMultipliers.put(rows, multiplier);
        }
        return multiplier;
    }

    /**
     * Returns the 0/1 multiplier of one group's rows that are not pruned ({@code 0} for pruned
     * rows, {@code 1} for the others), shaped like {@link #multiplier}; null when the group has no
     * pruned row. It changes only with the masks, so it is built once per masks version.
     */
    NDArray keep(ChannelMasks masks, Rows rows) {
        // asked for every member tensor at every update: no copy of the pruned set
        if (!masks.prunes(rows.group())) {
            return null;
        }
        follow(masks);
        NDArray keep = keepMultipliers.get(rows);
        if (keep == null) {
            NDArray important = indicator(rows, masks, true);
            NDArray redundant = indicator(rows, masks, false);
            try (NDArray flat = important.add(redundant)) {
                keep = flat.reshape(broadcastShape(rows));
            }
            keepMultipliers.put(rows, keep);
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

    private static Shape broadcastShape(Rows rows) {
        return ChannelRows.broadcastShape(
                rows.channels() * rows.rowsPerChannel(), rows.axis(), rows.rank());
    }

    private NDArray indicator(Rows rows, ChannelMasks masks, boolean important) {
        int group = rows.group();
        int channels = rows.channels();
        Device device = rows.device();
        DataType type = rows.type();
        int rowsPerChannel = rows.rowsPerChannel();
        IndicatorKey key = new IndicatorKey(group, device, type, important, rowsPerChannel);
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
                    float[] values = ChannelRows.perIndex(perChannel, rowsPerChannel);
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
