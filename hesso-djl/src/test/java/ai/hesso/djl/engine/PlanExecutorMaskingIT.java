package ai.hesso.djl.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hesso.core.Phase;
import ai.hesso.core.StepPlan;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.identification.ChannelMasks;
import ai.hesso.core.variant.Variant;
import ai.hesso.core.variant.VariantSettings;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The row multiplier is skipped where it would change no bit: after pruning, under unchanged masks
 * without redundant channels. Two executors see the same gradients; one keeps the masks' version
 * (and skips), the other gets the same sets under a new version every step (and multiplies every
 * step). Their parameters must agree bit for bit, the pruned rows must stay exactly zero, and only
 * the first executor may skip.
 */
class PlanExecutorMaskingIT {

    private static final int CHANNELS = 4;
    private static final int ROW = 3;
    private static final int STEPS = 6;

    static Stream<VariantSettings> variants() {
        return Stream.of(
                VariantSettings.sgd(0.9, 0, 0.01),
                VariantSettings.adam(Variant.ADAM, 0.9, 0.999, 0),
                VariantSettings.adam(Variant.ADAMW, 0.9, 0.999, 0.1));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void prunedRowsStayZeroWithoutMultiplyingAgain(VariantSettings variant) {
        ChannelIndex index =
                new ChannelIndex(
                        List.of(NodeGroup.prunable("g", CHANNELS, List.of(GroupMember.rows("w")))),
                        1);
        List<int[]> none = List.of(new int[0]);
        List<int[]> pruned = List.of(new int[] {1, 3});
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                PlanExecutor kept =
                        new PlanExecutor(variant, 1f, 0f, true, index, manager, clock());
                PlanExecutor renewed =
                        new PlanExecutor(variant, 1f, 0f, true, index, manager, clock())) {
            NDArray first = weight(manager);
            NDArray second = weight(manager);
            Random random = new Random(7);
            for (int step = 1; step <= STEPS; step++) {
                float[] gradient = new float[CHANNELS * ROW];
                for (int i = 0; i < gradient.length; i++) {
                    gradient[i] = (float) random.nextGaussian();
                }
                step(kept, first, gradient, ChannelMasks.of(1, none, pruned), step);
                step(renewed, second, gradient, ChannelMasks.of(step, none, pruned), step);
            }
            float[] values = first.toFloatArray();
            assertArrayEquals(bits(second.toFloatArray()), bits(values), "bit for bit");
            for (int c : pruned.get(0)) {
                for (int i = 0; i < ROW; i++) {
                    assertEquals(0f, values[c * ROW + i], 0f, "channel " + c);
                }
            }
            assertEquals(1, kept.maskedTensors(), "the first step multiplies, later steps skip");
            assertEquals(STEPS, renewed.maskedTensors(), "new masks multiply every step");
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void redundantRowsAreScaledEveryStep(VariantSettings variant) {
        ChannelIndex index =
                new ChannelIndex(
                        List.of(NodeGroup.prunable("g", CHANNELS, List.of(GroupMember.rows("w")))),
                        1);
        ChannelMasks masks = ChannelMasks.of(1, List.of(new int[] {0}), List.of(new int[] {2}));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                PlanExecutor executor =
                        new PlanExecutor(variant, 1f, 0f, true, index, manager, clock())) {
            NDArray w = weight(manager);
            float[] gradient = new float[CHANNELS * ROW];
            for (int step = 1; step <= 3; step++) {
                step(executor, w, gradient, masks, step, 0);
            }
            assertEquals(3, executor.maskedTensors());
            // learning rate 0 moves nothing (nor does AdamW's decay): channel 0 is scaled by 0.5
            // three times, channel 2 is 0
            float[] values = w.toFloatArray();
            float[] initial = initialValues();
            for (int i = 0; i < ROW; i++) {
                assertEquals(initial[i] * 0.125f, values[i], 1e-6f, "redundant row");
                assertEquals(0f, values[2 * ROW + i], 0f, "pruned row");
            }
        }
    }

    private static void step(
            PlanExecutor executor, NDArray weight, float[] gradient, ChannelMasks masks, int step) {
        step(executor, weight, gradient, masks, step, 0.05);
    }

    private static void step(
            PlanExecutor executor,
            NDArray weight,
            float[] gradient,
            ChannelMasks masks,
            int step,
            double learningRate) {
        try (NDManager temp = weight.getManager().newSubManager()) {
            NDArray g = temp.create(gradient, new Shape(CHANNELS, ROW));
            Aliases.overwrite(weight.getGradient(), g);
            StepPlan plan = new StepPlan(step, Phase.PRUNED, false, false, true, 0.5, masks);
            executor.execute(
                    plan,
                    new TensorSlot("w", weight.getDevice()),
                    weight,
                    weight.getGradient(),
                    () -> learningRate);
        }
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    private static NDArray weight(NDManager manager) {
        NDArray w = manager.create(initialValues(), new Shape(CHANNELS, ROW));
        w.setRequiresGradient(true);
        return w;
    }

    private static float[] initialValues() {
        float[] values = new float[CHANNELS * ROW];
        for (int i = 0; i < values.length; i++) {
            values[i] = 0.25f * (i + 1) * (i % 2 == 0 ? 1 : -1);
        }
        return values;
    }

    private static PhaseClock clock() {
        return new PhaseClock(false);
    }
}
