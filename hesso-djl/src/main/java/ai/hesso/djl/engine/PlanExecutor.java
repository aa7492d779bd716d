package ai.hesso.djl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.hesso.core.StepContext;
import ai.hesso.core.StepPlan;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.identification.ChannelMasks;
import ai.hesso.core.saliency.ChannelStatistics;
import ai.hesso.core.variant.Variant;
import ai.hesso.core.variant.VariantSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * Executes the core's {@link StepPlan} on one tensor copy at a time, with NDArray operations, and
 * owns the engine state that takes: each slot's update direction (momentum, Adam moments), CRIC's
 * snapshots and the row masks. For one tensor, in the plan's order:
 *
 * <ol>
 *   <li>snapshot: copy the tensor aside; restore: overwrite it with the copy;
 *   <li>update: the gradient rows of pruned channels are cleared (and, once per masks version,
 *       their rows of the momentum or moments), {@code g} is rescaled and clipped, the variant's
 *       direction {@code d} computed (or DJL's fused Adam kernel run) and {@code x <- x - lr d}
 *       applied (AdamW's decay first);
 *   <li>mask: member rows of redundant channels are multiplied by the plan's factor, of pruned
 *       channels by 0;
 *   <li>the gradient is cleared (DJL never clears gradients itself; its optimizers do it in their
 *       native update).
 * </ol>
 *
 * <p>Every temporary array is made in a sub-manager of the weight that is closed before {@link
 * #execute} returns; the state lives in a sub-manager of the model's manager, freed by {@link
 * #close()} or with the model.
 */
public final class PlanExecutor implements AutoCloseable {

    private final PhaseClock clock;
    private final VariantSettings variant;
    private final float rescaleGrad;
    private final float clipGrad;
    private final boolean fuseAdam;
    private final ChannelIndex index;
    private final NDManager stateManager;
    private final Map<String, MemberSlot> members = new HashMap<>();
    private final Map<TensorSlot, DirectionState> directions = new HashMap<>();
    private final RowMasks rowMasks;
    private final ParameterSnapshot snapshot;
    private final ForwardState forwardState;
    private final Map<TensorSlot, Long> zeroUnder = new HashMap<>();
    private long maskedTensors;

    /** Where a member tensor sits: its prunable group, the group's size and the channel axis. */
    private record MemberSlot(int group, int channels, GroupMember member) {}

    /**
     * Creates the executor and its state manager.
     *
     * @param variant the update variant
     * @param rescaleGrad the factor every gradient is multiplied by first, positive
     * @param clipGrad the symmetric clip of the rescaled gradient, or at most 0 for none
     * @param fuseAdam whether float32 Adam and AdamW without clipping run DJL's fused kernel
     * @param index the channel index of the driver
     * @param clock times the phases of each step, when on
     * @param modelManager the manager of the model's parameters; the state lives in a sub-manager
     */
    public PlanExecutor(
            VariantSettings variant,
            float rescaleGrad,
            float clipGrad,
            boolean fuseAdam,
            ChannelIndex index,
            NDManager modelManager,
            PhaseClock clock) {
        this.clock = clock;
        this.variant = variant;
        this.rescaleGrad = rescaleGrad;
        this.clipGrad = clipGrad;
        this.fuseAdam = fuseAdam;
        this.index = index;
        this.stateManager = modelManager.newSubManager();
        this.rowMasks = new RowMasks(stateManager);
        this.snapshot = new ParameterSnapshot(stateManager);
        this.forwardState = new ForwardState(stateManager);
        for (int g = 0; g < index.prunableGroups().size(); g++) {
            NodeGroup group = index.prunableGroups().get(g);
            for (GroupMember member : group.members()) {
                members.put(member.tensor(), new MemberSlot(g, group.channels(), member));
            }
        }
    }

    /**
     * Returns the clock that times the phases of each step.
     *
     * @return the clock, on or off
     */
    public PhaseClock clock() {
        return clock;
    }

    /**
     * Executes a step's plan on one tensor copy.
     *
     * @param plan the step's plan
     * @param slot the parameter and device of {@code weight}
     * @param weight the parameter array, updated in place
     * @param grad the gradient DJL passed for it
     * @param learningRate asked once, only when the plan updates
     */
    public void execute(
            StepPlan plan,
            TensorSlot slot,
            NDArray weight,
            NDArray grad,
            DoubleSupplier learningRate) {
        try (NDManager temp = NDManager.subManagerOf(weight)) {
            NDArray x = Aliases.on(weight, temp);
            long t = clock.start();
            if (plan.snapshot()) {
                snapshot.save(slot, x);
            }
            if (plan.restore()) {
                snapshot.restore(slot, x, temp);
            }
            clock.stop(PhaseClock.Phase.SNAPSHOT, t);
            boolean gradientCleared = false;
            MemberSlot member = members.get(slot.parameter());
            NDArray keep = null;
            if (plan.update()) {
                if (member != null) {
                    t = clock.start();
                    keep = keepMultiplier(plan, slot, member, weight);
                    if (keep != null) {
                        clearPrunedRows(plan, slot, keep, grad, temp);
                    }
                    clock.stop(PhaseClock.Phase.CLEAR_PRUNED, t);
                }
                t = clock.start();
                gradientCleared = update(slot, weight, x, grad, learningRate.getAsDouble(), temp);
                clock.stop(PhaseClock.Phase.DIRECTION, t);
            }
            t = clock.start();
            if (member != null && mustMask(plan, slot, member.group())) {
                NDArray multiplier = rowMasks.multiplier(plan, rows(slot, member, weight));
                if (multiplier != null) {
                    x.muli(multiplier);
                    maskedTensors++;
                }
                zeroUnder.put(slot, plan.masks().version());
            }
            if (keep != null) {
                // the update just wrote weight decay of the not yet zeroed rows into the momentum
                // or moments; clear it, so that nothing can move a pruned row from now on
                direction(slot).clearPrunedRowsAfterUpdate(keep, plan.masks().version());
            }
            clock.stop(PhaseClock.Phase.MASKS, t);
            if (!gradientCleared) {
                t = clock.start();
                clearGradient(weight, temp);
                clock.stop(PhaseClock.Phase.CLEAR_GRADIENT, t);
            }
        }
    }

    /**
     * Whether a member tensor needs its row multiplier this step. A group without redundant
     * channels only zeroes its pruned rows (multiplier 1 elsewhere); once a tensor was multiplied
     * under the current masks, its pruned rows stay exactly zero: every update clears their
     * gradient rows, their momentum or moments were cleared after the first update under these
     * masks, and the weight decay of a zero row is zero, so the direction there is exactly 0.
     * Multiplying again would change no bit ({@code 0 * 0} and {@code x * 1} keep every bit, the
     * sign of a zero included) and costs a pass over the tensor at every step after pruning ends. A
     * restore writes older values, so a step that restores multiplies again.
     */
    private boolean mustMask(StepPlan plan, TensorSlot slot, int group) {
        ChannelMasks masks = plan.masks();
        Long zeroed = zeroUnder.get(slot);
        return masks.projects(group)
                || plan.restore()
                || zeroed == null
                || zeroed != masks.version();
    }

    /**
     * Returns how many times a member tensor was multiplied by its row multiplier, for tests.
     *
     * @return the count since the executor was made
     */
    long maskedTensors() {
        return maskedTensors;
    }

    /**
     * Clears a weight's gradient without touching anything else: what a skipped step does with each
     * tensor (DJL never clears gradients itself; a skipped gradient must not add to the next).
     *
     * @param weight the parameter array
     */
    public void clearGradient(NDArray weight) {
        try (NDManager temp = NDManager.subManagerOf(weight)) {
            clearGradient(weight, temp);
        }
    }

    private static void clearGradient(NDArray weight, NDManager temp) {
        if (weight.hasGradient()) {
            NDArray gradient = weight.getGradient();
            gradient.attach(temp);
            // by assignment: a NaN gradient times 0 would stay NaN
            gradient.set(new NDIndex("..."), 0f);
        }
    }

    /** Returns the 0/1 multiplier of a member's rows that are not pruned, null when none is. */
    private NDArray keepMultiplier(
            StepPlan plan, TensorSlot slot, MemberSlot member, NDArray weight) {
        return rowMasks.keep(plan.masks(), rows(slot, member, weight));
    }

    /** The rows of a member tensor that its group's multipliers are shaped for. */
    private static RowMasks.Rows rows(TensorSlot slot, MemberSlot member, NDArray weight) {
        return new RowMasks.Rows(
                member.group(),
                member.channels(),
                slot.device(),
                weight.getDataType(),
                member.member().axis(),
                weight.getShape().dimension(),
                member.member().rowsPerChannel());
    }

    /**
     * Keeps pruned rows out of the update: their gradient rows are cleared (so weight decay,
     * momentum and Adam see {@code g = 0} there), and, once per masks version, the rows of the
     * momentum buffer or Adam's moments, so nothing accumulated before the channel was pruned can
     * push it back.
     */
    private void clearPrunedRows(
            StepPlan plan, TensorSlot slot, NDArray keep, NDArray grad, NDManager temp) {
        direction(slot).clearPrunedRows(keep, plan.masks().version());
        // the gradients were checked finite at the step's start: g * 0 == 0
        Aliases.on(grad, temp).muli(keep);
    }

    /**
     * Applies {@code x <- x - lr d}; returns whether the fused kernel also cleared the gradient.
     */
    private boolean update(
            TensorSlot slot, NDArray weight, NDArray x, NDArray grad, double lr, NDManager temp) {
        DirectionState state = direction(slot);
        if (fuseAdam && state.canFuse(weight.getDataType())) {
            // one engine call instead of a dozen: the hot path of Adam training
            state.fusedAdamStep(weight, grad, lr);
            return true;
        }
        NDArray d = state.direction(x, Aliases.on(grad, temp), true, temp);
        if (variant.variant() == Variant.ADAMW && variant.weightDecay() > 0) {
            x.subi(x.mul(lr * variant.weightDecay()));
        }
        x.subi(d.mul(lr));
        return false;
    }

    /**
     * Returns the engine side of one step for the driver: statistics computed lazily with previewed
     * directions, and the loss.
     *
     * @param arrays the first device's array of each parameter, by path
     * @param loss the step's loss, asked only when the driver needs it
     * @return the context
     */
    public StepContext stepContext(Function<String, NDArray> arrays, DoubleSupplier loss) {
        return new EngineStepContext(this, arrays, loss);
    }

    /** Reduces the statistics of every prunable channel with previewed directions. */
    ChannelStatistics statistics(Function<String, NDArray> arrays) {
        try (NDManager temp = stateManager.newSubManager()) {
            return StatisticsReducer.reduce(
                    index,
                    arrays,
                    (name, manager) -> preview(arrays.apply(name), name, manager),
                    temp);
        }
    }

    /**
     * Previews a parameter's direction from {@code weight.getGradient()}, not from the gradient DJL
     * passes to {@code update}: the statistics are needed at the step's first update call, before
     * DJL has passed the other parameters' gradients. On one device the two are the same array.
     * With several devices DJL's parameter server sums each parameter's device gradients into the
     * first device's copy just before that parameter's update, so parameters not yet updated in
     * this step contribute the first device's gradient alone (documented deviation).
     */
    private NDArray preview(NDArray weight, String name, NDManager temp) {
        NDArray x = Aliases.on(weight, temp);
        NDArray g = weight.getGradient();
        g.attach(temp);
        return direction(new TensorSlot(name, weight.getDevice())).direction(x, g, false, temp);
    }

    private DirectionState direction(TensorSlot slot) {
        return directions.computeIfAbsent(
                slot, s -> new DirectionState(variant, rescaleGrad, clipGrad, stateManager));
    }

    /**
     * Returns the first trainable parameter, in the map's order, whose gradient holds a NaN or an
     * infinity; one sum per gradient on the engine and one short copy to the host.
     *
     * @param weights the first device's array of each trainable parameter, by path
     * @return the path, or null when every gradient is finite
     */
    public String firstNonFiniteGradient(Map<String, NDArray> weights) {
        try (NDManager temp = stateManager.newSubManager()) {
            return FiniteCheck.firstNonFinite(weights, temp);
        }
    }

    /**
     * Returns the first array, in the map's order, that holds a NaN or an infinity (the forward
     * pass's running statistics); one sum per array, as for gradients.
     *
     * @param arrays the arrays by name
     * @return the name, or null when every array is finite
     */
    public String firstNonFiniteValue(Map<String, NDArray> arrays) {
        try (NDManager temp = stateManager.newSubManager()) {
            return FiniteCheck.firstNonFiniteValue(arrays, temp);
        }
    }

    /**
     * Keeps a copy of the block's non-trainable arrays after a good step, for {@link
     * #restoreForwardState}.
     *
     * @param arrays the first device's non-trainable arrays by path (running statistics)
     */
    public void keepForwardState(Map<String, NDArray> arrays) {
        forwardState.keep(arrays);
    }

    /**
     * Undoes what a skipped step's forward pass wrote into the non-trainable arrays, from the copy
     * kept after the last good step.
     *
     * @param arrays the first device's non-trainable arrays by path
     * @return whether a copy was there (none before the first good step of this run)
     */
    public boolean restoreForwardState(Map<String, NDArray> arrays) {
        return forwardState.restore(arrays);
    }

    /**
     * Counts the pruned channels of the masks that are exactly zero in every member tensor: the
     * check that keeps the metrics honest. One reduction per member tensor of a group with pruned
     * channels and one copy to the host per group; run it when the masks change.
     *
     * @param masks the masks whose pruned sets to check
     * @param arrays the first device's array of each parameter, by path
     * @return the bookkeeping's count, the arrays' count and the first disagreement
     */
    public PrunedCheck checkPruned(ChannelMasks masks, Function<String, NDArray> arrays) {
        return checkPruned(index, masks, arrays, stateManager);
    }

    /**
     * Counts the pruned channels of the masks that are exactly zero in every member tensor, without
     * an executor: for a run resumed from a checkpoint and read before its first step.
     *
     * @param index the channel index the masks belong to
     * @param masks the masks whose pruned sets to check
     * @param arrays the array of each parameter, by path
     * @param manager a manager whose sub-manager holds the temporaries, closed before returning
     * @return the bookkeeping's count, the arrays' count and the first disagreement
     */
    public static PrunedCheck checkPruned(
            ChannelIndex index,
            ChannelMasks masks,
            Function<String, NDArray> arrays,
            NDManager manager) {
        int pruned = 0;
        int zero = 0;
        String firstNonZero = null;
        try (NDManager temp = manager.newSubManager()) {
            for (int g = 0; g < index.prunableGroups().size(); g++) {
                int[] channels = masks.pruned(g);
                if (channels.length == 0) {
                    continue;
                }
                NodeGroup group = index.prunableGroups().get(g);
                NDArray largest = null;
                for (GroupMember member : group.members()) {
                    NDArray x = Aliases.on(arrays.apply(member.tensor()), temp);
                    NDArray rows = ChannelRows.matrix(x, group, member);
                    NDArray rowMax = rows.abs().max(new int[] {1});
                    largest = largest == null ? rowMax : largest.maximum(rowMax);
                }
                double[] values = largest.toType(DataType.FLOAT64, false).toDoubleArray();
                for (int c : channels) {
                    pruned++;
                    if (values[c] == 0) {
                        zero++;
                    } else if (firstNonZero == null) {
                        firstNonZero =
                                "node group '"
                                        + group.name()
                                        + "' channel "
                                        + c
                                        + " (largest magnitude "
                                        + values[c]
                                        + ")";
                    }
                }
            }
        }
        return new PrunedCheck(pruned, zero, firstNonZero);
    }

    /**
     * Copies the engine state to the host: every slot's direction state and CRIC's snapshot, in
     * parameter and device order so that equal states give equal files.
     *
     * @return the state
     */
    public EngineState state() {
        List<EngineState.Direction> savedDirections = new ArrayList<>();
        for (TensorSlot slot : sorted(directions.keySet())) {
            DirectionState state = directions.get(slot);
            savedDirections.add(
                    new EngineState.Direction(
                            slot,
                            state.updates(),
                            state.first() == null ? null : SavedArray.of(state.first()),
                            state.second() == null ? null : SavedArray.of(state.second())));
        }
        List<EngineState.Snapshot> savedSnapshots = new ArrayList<>();
        for (TensorSlot slot : sorted(snapshot.slots())) {
            savedSnapshots.add(new EngineState.Snapshot(slot, SavedArray.of(snapshot.copy(slot))));
        }
        return new EngineState(savedDirections, savedSnapshots);
    }

    /**
     * Replaces the engine state with a saved one, after checking every saved array against the
     * parameter it belongs to.
     *
     * @param saved the state taken with {@link #state()}
     * @param parameters the first device's array of each trainable parameter, by path
     * @throws IllegalArgumentException naming the parameter and the saved and current shape or type
     *     when they differ, or a parameter the block does not have
     */
    public void restore(EngineState saved, Map<String, NDArray> parameters) {
        for (EngineState.Direction direction : saved.directions()) {
            check(direction.slot(), "momentum or first moment", direction.first(), parameters);
            check(direction.slot(), "second moment", direction.second(), parameters);
        }
        for (EngineState.Snapshot copy : saved.snapshots()) {
            check(copy.slot(), "CRIC snapshot", copy.values(), parameters);
        }
        for (EngineState.Direction direction : saved.directions()) {
            direction(direction.slot())
                    .restore(
                            decode(direction.first(), direction.slot()),
                            decode(direction.second(), direction.slot()),
                            direction.updates());
        }
        for (EngineState.Snapshot copy : saved.snapshots()) {
            snapshot.put(copy.slot(), decode(copy.values(), copy.slot()));
        }
    }

    private static void check(
            TensorSlot slot, String role, SavedArray array, Map<String, NDArray> parameters) {
        if (array == null) {
            return;
        }
        NDArray parameter = parameters.get(slot.parameter());
        if (parameter == null) {
            throw new IllegalArgumentException(
                    "the saved "
                            + role
                            + " belongs to parameter '"
                            + slot.parameter()
                            + "', which is not a trainable parameter of the block; its trainable"
                            + " parameters are "
                            + parameters.keySet());
        }
        if (!parameter.getShape().equals(array.shape())
                || parameter.getDataType() != array.dataType()) {
            throw new IllegalArgumentException(
                    "the saved "
                            + role
                            + " of parameter '"
                            + slot.parameter()
                            + "' on "
                            + slot.device()
                            + " is "
                            + array.shape()
                            + " "
                            + array.dataType()
                            + ", the model's parameter is "
                            + parameter.getShape()
                            + " "
                            + parameter.getDataType());
        }
    }

    private NDArray decode(SavedArray array, TensorSlot slot) {
        if (array == null) {
            return null;
        }
        try (NDManager onDevice = stateManager.newSubManager(slot.device())) {
            NDArray decoded = array.decode(onDevice);
            decoded.attach(stateManager);
            return decoded;
        }
    }

    private static List<TensorSlot> sorted(Collection<TensorSlot> slots) {
        List<TensorSlot> list = new ArrayList<>(slots);
        list.sort(
                Comparator.comparing(TensorSlot::parameter)
                        .thenComparing(slot -> slot.device().toString()));
        return list;
    }

    /**
     * Returns the number of live arrays the executor holds (moments, masks, snapshots).
     *
     * @return the count
     */
    public int liveArrays() {
        return stateManager.getManagedArrays().size();
    }

    /**
     * Returns the bytes of the state arrays on the engine: momentum or Adam's moments, masks and
     * multipliers, CRIC's snapshot, the saved forward state; the arrays of a step are freed before
     * it returns and are not counted.
     *
     * @return the sum over the state's arrays of their element count times element size
     */
    public long stateBytes() {
        long bytes = 0;
        for (NDArray array : stateManager.getManagedArrays()) {
            bytes += array.size() * array.getDataType().getNumOfBytes();
        }
        return bytes;
    }

    /** Frees the engine state (moments, masks, snapshots). */
    @Override
    public void close() {
        stateManager.close();
    }
}
