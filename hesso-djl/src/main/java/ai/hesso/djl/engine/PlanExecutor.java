package ai.hesso.djl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.hesso.core.StepContext;
import ai.hesso.core.StepPlan;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.saliency.ChannelStatistics;
import ai.hesso.core.variant.Variant;
import ai.hesso.core.variant.VariantSettings;
import java.util.HashMap;
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
 *   <li>update: {@code g} is rescaled and clipped, the variant's direction {@code d} computed (or
 *       DJL's fused Adam kernel run) and {@code x <- x - lr d} applied (AdamW's decay first);
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
     * @param modelManager the manager of the model's parameters; the state lives in a sub-manager
     */
    public PlanExecutor(
            VariantSettings variant,
            float rescaleGrad,
            float clipGrad,
            boolean fuseAdam,
            ChannelIndex index,
            NDManager modelManager) {
        this.variant = variant;
        this.rescaleGrad = rescaleGrad;
        this.clipGrad = clipGrad;
        this.fuseAdam = fuseAdam;
        this.index = index;
        this.stateManager = modelManager.newSubManager();
        this.rowMasks = new RowMasks(stateManager);
        this.snapshot = new ParameterSnapshot(stateManager);
        for (int g = 0; g < index.prunableGroups().size(); g++) {
            NodeGroup group = index.prunableGroups().get(g);
            for (GroupMember member : group.members()) {
                members.put(member.tensor(), new MemberSlot(g, group.channels(), member));
            }
        }
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
            if (plan.snapshot()) {
                snapshot.save(slot, x);
            }
            if (plan.restore()) {
                snapshot.restore(slot, x, temp);
            }
            boolean gradientCleared = false;
            if (plan.update()) {
                gradientCleared = update(slot, weight, x, grad, learningRate.getAsDouble(), temp);
            }
            MemberSlot member = members.get(slot.parameter());
            if (member != null) {
                NDArray multiplier =
                        rowMasks.multiplier(
                                plan,
                                member.group(),
                                member.channels(),
                                slot.device(),
                                weight.getDataType(),
                                member.member().axis(),
                                weight.getShape().dimension(),
                                member.member().rowsPerChannel());
                if (multiplier != null) {
                    x.muli(multiplier);
                }
            }
            if (!gradientCleared && weight.hasGradient()) {
                NDArray gradient = weight.getGradient();
                gradient.attach(temp);
                // by assignment: a NaN gradient times 0 would stay NaN
                gradient.set(new NDIndex("..."), 0f);
            }
        }
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
     * Returns the number of live arrays the executor holds (moments, masks, snapshots).
     *
     * @return the count
     */
    public int liveArrays() {
        return stateManager.getManagedArrays().size();
    }

    /** Frees the engine state (moments, masks, snapshots). */
    @Override
    public void close() {
        stateManager.close();
    }
}
