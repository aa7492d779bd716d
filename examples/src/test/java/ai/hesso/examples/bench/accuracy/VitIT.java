package ai.hesso.examples.bench.accuracy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import ai.hesso.core.Allocation;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.group.GroupMember;
import ai.hesso.djl.Hesso;
import ai.hesso.djl.HessoOptimizer;
import ai.hesso.djl.compact.CompactModel;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.Finding;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.djl.layers.CompactTransformerEncoderBlock;
import ai.hesso.examples.data.FashionMnist;
import ai.hesso.fixtures.SeededTrainer;
import ai.hesso.fixtures.SyntheticData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The accuracy benchmark's vision transformer ({@link BenchModels#vit}): discovery finds every
 * encoder's heads and feed-forward units as node groups, with the channel counts and rows the
 * architecture gives; a short HESSO-SGD run on generated 28x28 images, with the same fraction taken
 * from every group ({@link Allocation#PER_GROUP}), removes half the heads and half the hidden units
 * of every encoder, and the compact model (fewer heads and units, hand-counted parameters and MACs)
 * computes what the trained, zeroed model computes.
 */
class VitIT {

    private static final int BATCH = 8;
    private static final Shape INPUT =
            new Shape(BATCH, 1, FashionMnist.IMAGE_SIZE, FashionMnist.IMAGE_SIZE);
    private static final int WIDTH = BenchModels.VIT_WIDTH;
    private static final int HEADS = BenchModels.VIT_HEADS;
    private static final int HEAD_SIZE = WIDTH / HEADS;
    private static final int HIDDEN = BenchModels.VIT_HIDDEN;
    private static final int BLOCKS = BenchModels.VIT_BLOCKS;

    /** The encoders' paths: the patching lambda is 01, the embedding 02. */
    private static List<String> encoders() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < BLOCKS; i++) {
            out.add(String.format("%02dTransformerEncoderBlock", i + 3));
        }
        return out;
    }

    private static String heads(String encoder) {
        return encoder + "_01selfAttention_heads";
    }

    private static String hidden(String encoder) {
        return encoder + "_03outputBlock_01Linear";
    }

    /**
     * Parameters of the model with {@code u[i]} attention units ({@code 16} per kept head) and
     * {@code f[i]} hidden units in encoder {@code i}: the embedding {@code 65 * 64 + 64}, the head
     * {@code 64 * 10 + 10}, and per encoder the query, key and value projections {@code 3 * (64 u +
     * u)}, the result projection {@code 64 u + 64}, two batch norms of four vectors of 64 (scale,
     * shift, running mean and variance), the feed-forward {@code 64 f + f + 64 f + 64}.
     */
    private static long parameters(long[] u, long[] f) {
        long p = 65 * 64 + 64 + 64 * 10 + 10;
        for (int i = 0; i < BLOCKS; i++) {
            p += 3 * (64 * u[i] + u[i]) + 64 * u[i] + 64 + 2 * 4 * 64 + 129 * f[i] + 64;
        }
        return p;
    }

    /**
     * MACs per image, 16 tokens: the embedding {@code 16 * 65 * 64}, the head {@code 64 * 10}, and
     * per encoder the projections {@code 3 * 16 * 64 u}, the attention products {@code 2 * 16 * 16
     * u}, the result projection {@code 16 * 64 u}, the norms {@code 2 * 16 * 64} and the
     * feed-forward {@code 2 * 16 * 64 f}.
     */
    private static long macs(long[] u, long[] f) {
        long m = 16 * 65 * 64 + 64 * 10;
        for (int i = 0; i < BLOCKS; i++) {
            m += 4608 * u[i] + 2048 + 2048 * f[i];
        }
        return m;
    }

    private static long[] filled(long value) {
        long[] a = new long[BLOCKS];
        Arrays.fill(a, value);
        return a;
    }

    @Test
    void discoveryFindsEveryEncodersHeadsAndFeedForwardUnits() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = BenchModels.build(BenchModels.VIT);
            block.initialize(manager, DataType.FLOAT32, INPUT);
            DiscoveryReport report = GroupDiscovery.builder().build().discover(block, INPUT);
            List<String> expected = new ArrayList<>();
            for (String e : encoders()) {
                expected.add(heads(e));
                expected.add(hidden(e));
            }
            assertEquals(
                    expected,
                    report.prunableGroups().stream().map(DiscoveredGroup::name).toList(),
                    report.format());
            for (String e : encoders()) {
                DiscoveredGroup h = report.group(heads(e)).orElseThrow();
                assertEquals(HEADS, h.group().channels());
                // each head: 16 rows of the query, key and value weights and biases
                List<String> tensors = new ArrayList<>();
                for (GroupMember m : h.group().members()) {
                    assertEquals(HEAD_SIZE, m.rowsPerChannel(), m.tensor());
                    tensors.add(m.tensor());
                }
                assertEquals(
                        List.of(
                                e + "_01selfAttention_01keyProjection_bias",
                                e + "_01selfAttention_01keyProjection_weight",
                                e + "_01selfAttention_02queryProjection_bias",
                                e + "_01selfAttention_02queryProjection_weight",
                                e + "_01selfAttention_03valueProjection_bias",
                                e + "_01selfAttention_03valueProjection_weight"),
                        tensors.stream().sorted().toList(),
                        report.format());
                DiscoveredGroup f = report.group(hidden(e)).orElseThrow();
                assertEquals(HIDDEN, f.group().channels());
                for (GroupMember m : f.group().members()) {
                    assertEquals(1, m.rowsPerChannel(), m.tensor());
                }
            }
            // 4 * (4 + 128) prunable channels; the embedding stream, the patching lambda and the
            // head stay whole, and the one finding is the lambda at the input
            assertEquals(
                    BLOCKS * (HEADS + HIDDEN),
                    report.prunableGroups().stream().mapToInt(g -> g.group().channels()).sum());
            List<String> subjects = report.findings().stream().map(Finding::subject).toList();
            assertTrue(
                    subjects.stream().anyMatch(s -> s.contains("01LambdaBlock")), report.format());
            long dense = parameters(filled(WIDTH), filled(HIDDEN));
            assertEquals(139_786, dense);
            assertEquals(dense, count(block));
        }
    }

    @Test
    void hessoRemovesHeadsAndHiddenUnitsAndTheCompactModelComputesTheZeroedOne() {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDList> batches =
                    SyntheticData.fixedBatches(
                            manager,
                            40,
                            BATCH,
                            new Shape(1, FashionMnist.IMAGE_SIZE, FashionMnist.IMAGE_SIZE),
                            FashionMnist.CLASSES,
                            26);
            try (SeededTrainer run =
                    new SeededTrainer(
                            BenchModels.build(BenchModels.VIT),
                            INPUT,
                            3,
                            b ->
                                    Hesso.sgd()
                                            .optMomentum(0.9)
                                            .setLearningRateTracker(Tracker.fixed(0.05f))
                                            .setBlock(b)
                                            .setPruning(
                                                    HessoSettings.builder()
                                                            .optTargetGroupSparsity(0.5)
                                                            .optStartPruningStep(10)
                                                            .setPruningSteps(24)
                                                            .optPruningPeriods(3)
                                                            .optAllocation(Allocation.PER_GROUP)
                                                            .build())
                                            .build())) {
                HessoOptimizer hesso = (HessoOptimizer) run.optimizer();
                run.setLossSink(hesso::setLoss);
                for (NDList batch : batches) {
                    run.step(batch);
                }
                Block block = run.model().getBlock();
                Map<String, int[]> pruned = hesso.prunedChannels();
                long[] u = new long[BLOCKS];
                long[] f = new long[BLOCKS];
                int removedHeads = 0;
                int removedHidden = 0;
                List<String> encoders = encoders();
                for (int i = 0; i < BLOCKS; i++) {
                    int h = pruned.getOrDefault(heads(encoders.get(i)), new int[0]).length;
                    int k = pruned.getOrDefault(hidden(encoders.get(i)), new int[0]).length;
                    assertEquals(HEADS / 2, h, describe(pruned));
                    assertEquals(HIDDEN / 2, k, describe(pruned));
                    u[i] = (long) HEAD_SIZE * (HEADS - h);
                    f[i] = HIDDEN - k;
                    removedHeads += h;
                    removedHidden += k;
                }
                String removed = describe(pruned);
                // half of every group: 2 of 4 heads and 64 of 128 hidden units per encoder
                assertEquals(BLOCKS * HEADS / 2, removedHeads, removed);
                assertEquals(BLOCKS * HIDDEN / 2, removedHidden, removed);

                try (CompactModel compact = hesso.compact()) {
                    Block small = compact.model().getBlock();
                    for (int i = 0; i < BLOCKS; i++) {
                        Block encoder = small.getChildren().get(i + 2).getValue();
                        CompactTransformerEncoderBlock e =
                                assertInstanceOf(CompactTransformerEncoderBlock.class, encoder);
                        assertEquals(HEADS / 2, e.getAttention().getHeadCount());
                        assertEquals(HEAD_SIZE, e.getAttention().getHeadSize());
                        assertEquals(HIDDEN / 2, e.getHiddenSize());
                    }
                    long parameters = parameters(u, f);
                    assertEquals(parameters, compact.report().after().parameters(), removed);
                    assertEquals(parameters, count(small));
                    assertTrue(parameters < parameters(filled(WIDTH), filled(HIDDEN)));
                    assertEquals(macs(u, f), compact.report().after().macs(), removed);
                    assertEquals(
                            2_303_616, compact.report().before().macs(), compact.report().format());

                    // the compact model computes what the trained model (its removed rows zero)
                    // computes, at inference, on the training images and on new ones
                    List<NDArray> inputs = new ArrayList<>();
                    for (int b = 0; b < 3; b++) {
                        inputs.add(batches.get(b).get(0));
                    }
                    inputs.add(manager.randomUniform(0, 1, INPUT));
                    for (NDArray x : inputs) {
                        float[] trained = forward(block, manager, x);
                        float[] zeroedOut = forward(small, manager, x);
                        double scale = 0;
                        double diff = 0;
                        for (int j = 0; j < trained.length; j++) {
                            scale = Math.max(scale, Math.abs(trained[j]));
                            diff = Math.max(diff, Math.abs(trained[j] - zeroedOut[j]));
                        }
                        assertTrue(scale > 0);
                        assertTrue(
                                diff <= 1e-5 * scale,
                                "max |diff| " + diff + " against max |output| " + scale);
                    }
                }
                // the removed heads' query rows are exactly zero in the block
                for (int i = 0; i < BLOCKS; i++) {
                    String e = encoders.get(i);
                    NDArray q =
                            block.getParameters()
                                    .get(e + "_01selfAttention_02queryProjection_weight")
                                    .getArray();
                    for (int h : pruned.getOrDefault(heads(e), new int[0])) {
                        float[] rows =
                                q.get(h * HEAD_SIZE + ":" + (h + 1) * HEAD_SIZE).toFloatArray();
                        for (float v : rows) {
                            // 0 or -0: masked by a multiplication with 0
                            assertEquals(0f, Math.abs(v), e + " head " + h);
                        }
                    }
                }
            }
        }
    }

    private static long count(Block block) {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            n += p.getValue().getArray().size();
        }
        return n;
    }

    private static float[] forward(Block block, NDManager manager, NDArray x) {
        try (NDManager scope = manager.newSubManager()) {
            ParameterStore store = new ParameterStore(scope, false);
            return block.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
        }
    }

    private static String describe(Map<String, int[]> pruned) {
        StringBuilder sb = new StringBuilder();
        pruned.forEach((g, c) -> sb.append(g).append('=').append(Arrays.toString(c)).append(' '));
        return sb.toString();
    }
}
