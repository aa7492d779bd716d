package ai.hesso.djl.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.hesso.core.variant.Variant;
import ai.hesso.core.variant.VariantSettings;

/**
 * The update direction {@code d} of one tensor on one device (spec section 2), with its variant
 * state (SGD's momentum buffer, Adam's moments) held on the engine.
 *
 * <p>{@link #direction} either commits (advances the state, once per step, in the tensor's own
 * update) or previews (same arithmetic, state untouched, for the saliency statistics that the
 * driver asks for before the tensor's update). On one device both see the same gradient, so the
 * preview equals the committed direction.
 *
 * <p>Scalars are passed as {@code double}: the engine casts a 0-dim scalar to the tensor's own
 * type, so a float32 tensor computes in float32 and a float64 tensor keeps the exact settings.
 *
 * <p>Adam's bias correction uses {@code j}, the number of updates that advanced the moments, this
 * one included (spec section 2), counted here per tensor: previews do not count, so CRIC's probe
 * steps (scored, never updated) leave it where it was.
 *
 * <p>Every array made here is attached to the call's temporary manager, except the state arrays,
 * which live on {@code stateManager} and are read and written through aliases.
 */
final class DirectionState {

    private final VariantSettings settings;
    private final float rescaleGrad;
    private final float clipGrad;
    private final NDManager stateManager;
    private NDArray first;
    private NDArray second;
    private int updates;
    private long clearedMasksVersion = -1;
    private long settledMasksVersion = -1;

    DirectionState(
            VariantSettings settings, float rescaleGrad, float clipGrad, NDManager stateManager) {
        this.settings = settings;
        this.rescaleGrad = rescaleGrad;
        this.clipGrad = clipGrad;
        this.stateManager = stateManager;
    }

    /**
     * Whether {@link #fusedAdamStep} can update a tensor: Adam or AdamW on float32 without gradient
     * clipping (the engine's fused kernel clips one-sided, and takes float scalars, too coarse for
     * float64 tensors).
     *
     * @param type the tensor's type
     * @return true when the fused step computes exactly this class's update
     */
    boolean canFuse(DataType type) {
        return settings.variant() != Variant.SGD && type == DataType.FLOAT32 && clipGrad <= 0;
    }

    /**
     * Applies {@code x <- x - lr d} with Adam's direction (and AdamW's decoupled decay) in one
     * engine call, DJL's fused Adam kernel, advancing the moments, and clears the weight's
     * gradient. The kernel computes {@code x - lrbc m / (sqrt(v) + eps')}; with {@code lrbc = lr
     * sqrt(1 - b2^j) / (1 - b1^j)} and {@code eps' = eps sqrt(1 - b2^j)} that is exactly the
     * specification's {@code x - lr (m / (1 - b1^j)) / (sqrt(v / (1 - b2^j)) + eps)}.
     *
     * @param weight the parameter array
     * @param gradient the gradient DJL passed to the optimizer
     * @param learningRate the step's learning rate
     */
    void fusedAdamStep(NDArray weight, NDArray gradient, double learningRate) {
        if (first == null) {
            first = keep(weight.zerosLike());
            second = keep(weight.zerosLike());
        }
        updates++;
        double correction1 = 1 - Math.pow(settings.beta1(), updates);
        double root2 = Math.sqrt(1 - Math.pow(settings.beta2(), updates));
        weight.getNDArrayInternal()
                .adamUpdate(
                        new NDList(weight, gradient, first, second),
                        new NDList(weight),
                        (float) learningRate,
                        (float) (learningRate * root2 / correction1),
                        (float) settings.weightDecay(),
                        rescaleGrad,
                        -1f,
                        (float) settings.beta1(),
                        (float) settings.beta2(),
                        (float) (settings.epsilon() * root2),
                        true,
                        settings.variant() == Variant.ADAMW);
    }

    /**
     * Computes {@code d} of the next update.
     *
     * @param values the tensor {@code x}
     * @param gradient its raw gradient
     * @param commit whether to advance the state (and count the update)
     * @param temp the temporary manager of this call; {@code values} and {@code gradient} must be
     *     attached to it
     * @return the direction, attached to {@code temp}
     */
    NDArray direction(NDArray values, NDArray gradient, boolean commit, NDManager temp) {
        NDArray g = gradient;
        if (rescaleGrad != 1f) {
            g = g.mul(rescaleGrad);
        }
        if (clipGrad > 0) {
            g = g.clip(-clipGrad, clipGrad);
        }
        if (settings.variant() != Variant.ADAMW && settings.weightDecay() > 0) {
            g = g.add(values.mul(settings.weightDecay()));
        }
        NDArray d;
        if (settings.variant() == Variant.SGD) {
            d = settings.usesMomentumBuffer() ? momentum(g, commit, temp) : g;
        } else {
            d = adam(g, commit, temp);
        }
        if (commit) {
            updates++;
        }
        return d;
    }

    /**
     * Returns how many updates advanced this state: Adam's {@code j} of the last update.
     *
     * @return the update count
     */
    int updates() {
        return updates;
    }

    /**
     * Clears the rows of pruned channels in the momentum buffer or Adam's moments, once per masks
     * version (a pruned row's gradient is cleared every step after that, so these rows stay zero).
     *
     * @param keep the group's 0/1 multiplier of rows that are not pruned
     * @param masksVersion the version of the masks {@code keep} was built from
     */
    void clearPrunedRows(NDArray keep, long masksVersion) {
        if (masksVersion == clearedMasksVersion) {
            return;
        }
        clearedMasksVersion = masksVersion;
        clearRows(keep);
    }

    /**
     * Clears the rows of pruned channels in the momentum buffer or Adam's moments once more after
     * the first update under a masks version. That update saw the rows before they were zeroed, so
     * a coupled weight decay ({@code g + wd x}, SGD and Adam) wrote {@code wd x} into the pruned
     * rows of the state; cleared, the rows stay zero, and so does the direction of a pruned row,
     * for as long as the masks stay the same. Only pruned rows change, whose values are zero
     * whatever the state holds, and whose saliency statistics do not depend on the direction
     * ({@code x = 0}).
     *
     * @param keep the group's 0/1 multiplier of rows that are not pruned
     * @param masksVersion the version of the masks {@code keep} was built from
     */
    void clearPrunedRowsAfterUpdate(NDArray keep, long masksVersion) {
        if (masksVersion == settledMasksVersion) {
            return;
        }
        settledMasksVersion = masksVersion;
        clearRows(keep);
    }

    /** Multiplies the state by a 0/1 row multiplier. */
    private void clearRows(NDArray keep) {
        // the moments hold finite values only (non-finite steps never reach them): x * 0 == 0
        if (first != null) {
            first.muli(keep);
        }
        if (second != null) {
            second.muli(keep);
        }
    }

    /**
     * Returns the first buffer: SGD's momentum buffer or Adam's first moment.
     *
     * @return the array on the state manager, or null before the first committed update
     */
    NDArray first() {
        return first;
    }

    /**
     * Returns Adam's second moment.
     *
     * @return the array on the state manager, or null for SGD and before the first update
     */
    NDArray second() {
        return second;
    }

    /**
     * Replaces the state with a saved one (a resumed run).
     *
     * @param savedFirst the first buffer, attached to the state manager here, or null
     * @param savedSecond the second moment, attached to the state manager here, or null
     * @param savedUpdates the update count
     */
    void restore(NDArray savedFirst, NDArray savedSecond, int savedUpdates) {
        first = savedFirst == null ? null : keep(savedFirst);
        second = savedSecond == null ? null : keep(savedSecond);
        updates = savedUpdates;
        clearedMasksVersion = -1;
        settledMasksVersion = -1;
    }

    private NDArray momentum(NDArray g, boolean commit, NDManager temp) {
        if (first == null) {
            // the buffer starts as the first gradient
            if (commit) {
                first = keep(g.duplicate());
            }
            return g;
        }
        double mu = settings.momentum();
        // without dampening, g * 1 == g exactly: skip a pass over the tensor and its allocation
        NDArray fresh = settings.dampening() == 0 ? g : g.mul(1 - settings.dampening());
        NDArray buffer = Aliases.on(first, temp);
        // fresh may be the gradient itself: only ever read it (a + b == b + a exactly, so the
        // preview's order of the two terms does not change its bits)
        return commit ? buffer.muli(mu).addi(fresh) : buffer.mul(mu).addi(fresh);
    }

    private NDArray adam(NDArray g, boolean commit, NDManager temp) {
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        if (commit && first == null) {
            first = keep(g.zerosLike());
            second = keep(g.zerosLike());
        }
        NDArray m;
        NDArray v;
        if (commit) {
            m = Aliases.on(first, temp).muli(b1).addi(g.mul(1 - b1));
            v = Aliases.on(second, temp).muli(b2).addi(g.square().muli(1 - b2));
        } else {
            m = g.mul(1 - b1);
            v = g.square().muli(1 - b2);
            if (first != null) {
                m.addi(Aliases.on(first, temp).mul(b1));
                v.addi(Aliases.on(second, temp).mul(b2));
            }
        }
        int j = updates + 1;
        double correction1 = 1 - Math.pow(b1, j);
        double correction2 = 1 - Math.pow(b2, j);
        NDArray denominator = v.div(correction2).sqrt().addi(settings.epsilon());
        return m.div(correction1).divi(denominator);
    }

    private NDArray keep(NDArray array) {
        array.attach(stateManager);
        return array;
    }
}
