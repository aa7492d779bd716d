package ai.hesso.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.core.HessoDriver;
import ai.hesso.core.group.ChannelAxis;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.identification.Identification;
import ai.hesso.core.reference.ReferenceEngine;
import ai.hesso.core.saliency.Criterion;
import ai.hesso.core.saliency.SaliencyMix;
import ai.hesso.core.variant.Variant;
import ai.hesso.core.variant.VariantSettings;
import ai.hesso.testing.LogCapture;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReplayIT {

    private static final SaliencyMix MAGNITUDE = SaliencyMix.of(Map.of(Criterion.MAGNITUDE, 1.0));

    /** The engine's "nothing will be pruned" and the driver's rounding that gives channels back. */
    @RegisterExtension
    final LogCapture log =
            LogCapture.warningsOf("ai.hesso.djl.TrainingRun", Identification.class.getName());

    private static ReplaySettings sgd(
            double lr, double sparsity, int start, int pruningSteps, int periods) {
        return new ReplaySettings(
                Variant.SGD,
                lr,
                0,
                0,
                0.9,
                0.999,
                1e-8,
                0,
                sparsity,
                start,
                pruningSteps,
                periods,
                1,
                MAGNITUDE);
    }

    private static ReplayInput oneGroupOfTwo(ReplaySettings settings, double[]... gradients) {
        List<Map<String, double[]>> steps = new ArrayList<>();
        for (double[] g : gradients) {
            steps.add(Map.of("w", g));
        }
        return new ReplayInput(
                settings,
                List.of(new ReplayTensor("w", new int[] {2}, new double[] {2.0, 1.0})),
                List.of(NodeGroup.prunable("g", 2, List.of(GroupMember.rows("w")))),
                steps);
    }

    /**
     * One node group "g" = tensor w of shape [2] (two channels, 1-element rows), w0 = [2, 1]; SGD
     * with lr 0.25 (exact in float32, so every number below is exact in float64), magnitude-only
     * saliency, target 0.5, startPruningStep 1, pruningSteps 2, one period.
     *
     * <p>N = 2, K = floor(2 * 0.5) = 1, quota 1, Tp = 2 / 1 = 2.
     *
     * <ul>
     *   <li>k = 1: (k - s - 1) mod Tp = -1 mod 2 != 0, no period starts; t = 0, nothing redundant.
     *       g1 = [4, -1]: x = [2 - 0.25*4, 1 + 0.25*1] = [1, 1.25].
     *   <li>k = 2: (2 - 1 - 1) mod 2 = 0, the period starts: magnitudes of the current x are 1 and
     *       1.25, so channel 0 is redundant (although it was the larger one at step 0). t = (2 - 1)
     *       mod 2 = 1, factor (Tp - t - 1) / (Tp - t) = 0 / 1 = 0. g2 = [1, 2]: x = [1 - 0.25, 1.25
     *       - 0.5] = [0.75, 0.75], row 0 times 0 = [0, 0.75]; t == Tp - 1, so channel 0 is pruned.
     *   <li>k = 3: the one period has started, nothing new; t = 0. g3 = [-2, 1]: x = [0 + 0.5, 0.75
     *       - 0.25] = [0.5, 0.5], pruned row 0 set to 0 = [0, 0.5].
     * </ul>
     */
    @Test
    void handCheckedThreeSteps() {
        ReplayInput input =
                oneGroupOfTwo(
                        sgd(0.25, 0.5, 1, 2, 1),
                        new double[] {4, -1},
                        new double[] {1, 2},
                        new double[] {-2, 1});
        ReplayResult result = new Replay().run(input);
        assertArrayEquals(new double[] {0.0, 0.5}, result.tensors().get("w"), 0.0);
        assertArrayEquals(new int[] {0}, result.pruned().get("g"));
    }

    /**
     * As {@link #handCheckedThreeSteps()} but pruningSteps 3, so Tp = 3 and the projection factor
     * is seen at 1/2 before 0.
     *
     * <ul>
     *   <li>k = 1: as before, x = [1, 1.25].
     *   <li>k = 2: (2 - 1 - 1) mod 3 = 0, the period starts, channel 0 redundant; t = 1, factor (3
     *       - 1 - 1) / (3 - 1) = 1/2. g2 = [1, 2]: x = [0.75, 0.75], row 0 halved = [0.375, 0.75];
     *       t != Tp - 1 = 2, not pruned yet.
     *   <li>k = 3: t = 2, factor 0 / 1 = 0. g3 = [-2, 1]: x = [0.375 + 0.5, 0.75 - 0.25] = [0.875,
     *       0.5], row 0 times 0 = [0, 0.5]; t == Tp - 1, channel 0 pruned.
     *   <li>k = 4: t = 0. g4 = [1, 1]: x = [-0.25, 0.25], pruned row 0 set to 0 = [0, 0.25].
     * </ul>
     */
    @Test
    void handCheckedHalvingFactor() {
        ReplayInput input =
                oneGroupOfTwo(
                        sgd(0.25, 0.5, 1, 3, 1),
                        new double[] {4, -1},
                        new double[] {1, 2},
                        new double[] {-2, 1},
                        new double[] {1, 1});
        ReplayResult result = new Replay().run(input);
        assertArrayEquals(new double[] {0.0, 0.25}, result.tensors().get("w"), 0.0);
        assertArrayEquals(new int[] {0}, result.pruned().get("g"));
    }

    @Test
    void afterTwoStepsTheRedundantRowIsHalvedAndNotYetPruned() {
        ReplayInput input =
                oneGroupOfTwo(sgd(0.25, 0.5, 1, 3, 1), new double[] {4, -1}, new double[] {1, 2});
        ReplayResult result = new Replay().run(input);
        assertArrayEquals(new double[] {0.375, 0.75}, result.tensors().get("w"), 0.0);
        assertArrayEquals(new int[0], result.pruned().get("g"));
    }

    @Test
    void aTargetThatRoundsToZeroTrainsPlainly() {
        // K = floor(2 * 0.4) = 0: as the spec says, plain SGD: [2 - 0.25 * 4, 1 + 0.25 * 1]
        ReplayInput input = oneGroupOfTwo(sgd(0.25, 0.4, 0, 1, 1), new double[] {4, -1});
        ReplayResult result = new Replay().run(input);
        assertArrayEquals(new double[] {1.0, 1.25}, result.tensors().get("w"), 0.0);
        assertArrayEquals(new int[0], result.pruned().get("g"));
        assertEquals(
                List.of(
                        "HESSO: targetGroupSparsity 0.4 of 2 prunable channels rounds down to 0"
                                + " channels to prune; raise targetGroupSparsity to at least 0.5 or"
                                + " set it to 0 for plain training: nothing will be pruned"),
                log.take());
    }

    @Test
    void zeroStepsGiveTheInputBackAndNothingPruned() {
        ReplayInput input = oneGroupOfTwo(sgd(0.25, 0.5, 1, 2, 1));
        ReplayResult result = new Replay().run(input);
        assertArrayEquals(new double[] {2.0, 1.0}, result.tensors().get("w"), 0.0);
        assertArrayEquals(new int[0], result.pruned().get("g"));
    }

    static Stream<Arguments> generatedCases() {
        SaliencyMix defaults = SaliencyMix.defaults();
        SaliencyMix taylor =
                SaliencyMix.of(Map.of(Criterion.TAYLOR_FIRST_ORDER, 0.7, Criterion.COSINE, 0.3));
        return Stream.of(
                Arguments.of(
                        "sgd momentum dampening wd, 2 periods, no warm-up",
                        settings(Variant.SGD, 0.05, 0.9, 0.1, 0.01, 0.5, 0, 6, 2, 1, defaults),
                        10),
                Arguments.of(
                        "adam wd, warm-up 2",
                        settings(Variant.ADAM, 0.01, 0, 0, 0.02, 0.4, 2, 4, 1, 1, defaults),
                        9),
                Arguments.of(
                        "adamw, 3 periods, warm-up 3",
                        settings(Variant.ADAMW, 0.02, 0, 0, 0.05, 0.6, 3, 6, 3, 1, taylor),
                        12),
                Arguments.of(
                        "sgd groupDivisible 2 (the 2-channel group is not prunable)",
                        settings(Variant.SGD, 0.1, 0.5, 0, 0, 0.5, 1, 4, 2, 2, defaults),
                        8),
                Arguments.of(
                        "Tp = 1, plain sgd",
                        settings(Variant.SGD, 0.1, 0, 0, 0, 0.5, 0, 2, 2, 1, MAGNITUDE),
                        5),
                Arguments.of(
                        "target 0 is plain adam",
                        settings(Variant.ADAM, 0.01, 0, 0, 0, 0, 0, 3, 1, 1, defaults),
                        5),
                Arguments.of(
                        "adam, schedule longer than the replay",
                        settings(Variant.ADAM, 0.03, 0, 0, 0.001, 0.75, 1, 20, 2, 1, defaults),
                        7));
    }

    private static ReplaySettings settings(
            Variant variant,
            double lr,
            double momentum,
            double dampening,
            double wd,
            double sparsity,
            int start,
            int pruningSteps,
            int periods,
            int q,
            SaliencyMix mix) {
        return new ReplaySettings(
                variant,
                lr,
                momentum,
                dampening,
                0.85,
                0.995,
                1e-8,
                wd,
                sparsity,
                start,
                pruningSteps,
                periods,
                q,
                mix);
    }

    /**
     * A conv-like group (weight [6, 3, 2] + bias [6] + gamma [6]), a transposed member (weight [2,
     * 4, 3] with channels on axis 1, plus its bias [4]), a 2-channel group and a tensor in no
     * group.
     */
    private static ReplayInput generated(ReplaySettings settings, int steps, long seed) {
        Random random = new Random(seed);
        List<ReplayTensor> tensors = new ArrayList<>();
        String[] names = {
            "conv_w", "conv_b", "bn_g", "tconv_w", "tconv_b", "head_w", "head_b", "free"
        };
        int[][] shapes = {{6, 3, 2}, {6}, {6}, {2, 4, 3}, {4}, {2, 5}, {2}, {3, 3}};
        for (int i = 0; i < names.length; i++) {
            tensors.add(new ReplayTensor(names[i], shapes[i], gaussian(random, size(shapes[i]))));
        }
        List<NodeGroup> groups =
                List.of(
                        NodeGroup.prunable(
                                "conv",
                                6,
                                List.of(
                                        GroupMember.rows("conv_w"),
                                        GroupMember.rows("conv_b"),
                                        GroupMember.rows("bn_g"))),
                        NodeGroup.prunable(
                                "tconv",
                                4,
                                List.of(
                                        new GroupMember("tconv_w", ChannelAxis.of(1)),
                                        GroupMember.rows("tconv_b"))),
                        NodeGroup.prunable(
                                "head",
                                2,
                                List.of(GroupMember.rows("head_w"), GroupMember.rows("head_b"))));
        List<Map<String, double[]>> gradients = new ArrayList<>();
        for (int k = 0; k < steps; k++) {
            Map<String, double[]> step = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                step.put(names[i], gaussian(random, size(shapes[i])));
            }
            gradients.add(step);
        }
        return new ReplayInput(settings, tensors, groups, gradients);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("generatedCases")
    void matchesTheReferenceEngine(String name, ReplaySettings settings, int steps) {
        for (long seed = 1; seed <= 3; seed++) {
            ReplayInput input = generated(settings, steps, seed);
            ReplayResult actual = new Replay().run(input);
            List<String> replayWarned = log.take();
            HessoDriver driver = new HessoDriver(settings.hessoSettings(), input.nodeGroups());
            ReferenceEngine reference = reference(input, driver);
            for (Map<String, double[]> step : input.gradients()) {
                reference.step(step, Double.NaN);
            }
            // the rounding that gives channels back (groupDivisible, or a group kept non-empty)
            assertEquals(log.take(), replayWarned, name + " seed " + seed + ": the same warnings");
            for (ReplayTensor tensor : input.tensors()) {
                double[] expected = reference.values(tensor.name());
                double[] got = actual.tensors().get(tensor.name());
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(
                            expected[i],
                            got[i],
                            1e-9 * Math.max(1, Math.abs(expected[i])),
                            name + " seed " + seed + ": " + tensor.name() + "[" + i + "]");
                }
            }
            Map<String, int[]> expectedPruned = driver.prunedChannels();
            for (NodeGroup group : input.nodeGroups()) {
                assertArrayEquals(
                        expectedPruned.getOrDefault(group.name(), new int[0]),
                        actual.pruned().get(group.name()),
                        name + " seed " + seed + ": pruned " + group.name());
            }
            if (settings.targetGroupSparsity() > 0
                    && steps >= settings.startPruningStep() + settings.pruningSteps()) {
                int pruned = actual.pruned().values().stream().mapToInt(a -> a.length).sum();
                assertTrue(pruned > 0, name + ": something is pruned after the schedule");
            }
        }
    }

    /** The reference engine with the same settings, in double precision. */
    private static ReferenceEngine reference(ReplayInput input, HessoDriver driver) {
        ReplaySettings s = input.settings();
        VariantSettings variant =
                new VariantSettings(
                        s.variant(),
                        s.momentum(),
                        s.dampening(),
                        s.beta1(),
                        s.beta2(),
                        s.epsilon(),
                        s.weightDecay());
        Map<String, ReferenceEngine.Tensor> tensors = new LinkedHashMap<>();
        for (ReplayTensor tensor : input.tensors()) {
            tensors.put(tensor.name(), new ReferenceEngine.Tensor(tensor.shape(), tensor.values()));
        }
        return new ReferenceEngine(driver, variant, s.learningRate(), tensors);
    }

    private static int size(int[] shape) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        return size;
    }

    private static double[] gaussian(Random random, int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextGaussian();
        }
        return values;
    }
}
