package ai.hesso.djl.compact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.transformer.TransformerEncoderBlock;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.cost.LayerMacModel;
import ai.hesso.djl.Hesso;
import ai.hesso.djl.HessoOptimizer;
import ai.hesso.djl.cost.BlockMacs;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.djl.layers.CompactTransformerEncoderBlock;
import ai.hesso.fixtures.SeededTrainer;
import ai.hesso.fixtures.SyntheticData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23's "done when" for transformers: two DJL transformer encoders with 4 heads each, trained
 * with HESSO over token sequences for 40 steps, compact into a model with fewer heads and hidden
 * units that computes what the trained (zeroed) model computes, with hand-computed parameter and
 * MAC counts; the compact model saves, reloads and is compacted again from its exact zeros.
 */
class HessoTransformerCompactionIT {

    private static final int TOKENS = 5;
    private static final int FEATURES = 6;
    private static final int WIDTH = 16;
    private static final int HEADS = 4;
    private static final int HEAD_SIZE = WIDTH / HEADS;
    private static final int HIDDEN = 32;
    private static final int CLASSES = 3;
    private static final Shape INPUT = new Shape(8, TOKENS, FEATURES);
    private static final List<String> ENCODERS =
            List.of("02TransformerEncoderBlock", "03TransformerEncoderBlock");

    @TempDir Path dir;

    /** {@code Linear(16)}, two encoders (16 wide, 4 heads of 4, 32 hidden), token mean, head. */
    static SequentialBlock architecture() {
        SequentialBlock block = new SequentialBlock().add(Linear.builder().setUnits(WIDTH).build());
        for (int i = 0; i < ENCODERS.size(); i++) {
            block.add(new TransformerEncoderBlock(WIDTH, HEADS, HIDDEN, 0f, Activation::relu));
        }
        return block.add(
                        new LambdaBlock(
                                in -> new NDList(in.singletonOrThrow().mean(new int[] {1}))))
                .add(Linear.builder().setUnits(CLASSES).build());
    }

    private static String heads(String encoder) {
        return encoder + "_01selfAttention_heads";
    }

    private static String hidden(String encoder) {
        return encoder + "_03outputBlock_01Linear";
    }

    private static String describe(Map<String, int[]> pruned) {
        StringBuilder sb = new StringBuilder();
        pruned.forEach((g, c) -> sb.append(g).append('=').append(Arrays.toString(c)).append(' '));
        return sb.toString();
    }

    @Test
    void aHessoTrainedTransformerCompactsToFewerHeadsAndHiddenUnits() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDList> batches = new ArrayList<>();
            for (NDList b :
                    SyntheticData.fixedBatches(
                            manager, 40, 8, new Shape(TOKENS * FEATURES), CLASSES, 23)) {
                batches.add(new NDList(b.get(0).reshape(INPUT), b.get(1)));
            }
            try (SeededTrainer run =
                    new SeededTrainer(
                            architecture(),
                            INPUT,
                            5,
                            b ->
                                    Hesso.sgd()
                                            .optMomentum(0.9)
                                            .setLearningRateTracker(Tracker.fixed(0.05f))
                                            .setBlock(b)
                                            .setPruning(
                                                    HessoSettings.builder()
                                                            .optTargetMacs(0.35)
                                                            .optStartPruningStep(10)
                                                            .setPruningSteps(24)
                                                            .optPruningPeriods(3)
                                                            .build())
                                            .build())) {
                HessoOptimizer hesso = (HessoOptimizer) run.optimizer();
                run.setLossSink(hesso::setLoss);
                for (NDList batch : batches) {
                    run.step(batch);
                }
                Block block = run.model().getBlock();
                Map<String, int[]> pruned = hesso.prunedChannels();
                DiscoveryReport report = GroupDiscovery.builder().build().discover(block, INPUT);
                assertEquals(
                        List.of(
                                heads(ENCODERS.get(0)),
                                hidden(ENCODERS.get(0)),
                                heads(ENCODERS.get(1)),
                                hidden(ENCODERS.get(1))),
                        report.prunableGroups().stream().map(DiscoveredGroup::name).toList(),
                        report.format());
                int[] keptHeads = new int[2];
                int[] keptHidden = new int[2];
                int removedHeads = 0;
                int removedHidden = 0;
                for (int i = 0; i < 2; i++) {
                    int h = pruned.getOrDefault(heads(ENCODERS.get(i)), new int[0]).length;
                    int f = pruned.getOrDefault(hidden(ENCODERS.get(i)), new int[0]).length;
                    keptHeads[i] = HEADS - h;
                    keptHidden[i] = HIDDEN - f;
                    removedHeads += h;
                    removedHidden += f;
                }
                assertTrue(removedHeads > 0, "heads removed: " + describe(pruned));
                assertTrue(removedHidden > 0, "hidden units removed: " + describe(pruned));

                LayerMacModel budget = BlockMacs.of(block, report, INPUT);
                try (CompactModel given = Compaction.compact(block, report, pruned, INPUT);
                        CompactModel zeros = Compaction.compactZeroChannels(block, report, INPUT)) {
                    for (String g : pruned.keySet()) {
                        assertArrayEquals(pruned.get(g), zeros.selection().removed(g), g);
                    }
                    Block small = given.model().getBlock();
                    for (int i = 0; i < 2; i++) {
                        Block encoder = small.getChildren().get(i + 1).getValue();
                        if (keptHeads[i] < HEADS) {
                            CompactTransformerEncoderBlock e =
                                    assertInstanceOf(CompactTransformerEncoderBlock.class, encoder);
                            assertEquals(keptHeads[i], e.getAttention().getHeadCount());
                            assertEquals(HEAD_SIZE, e.getAttention().getHeadSize());
                            assertEquals(keptHidden[i], e.getHiddenSize());
                        }
                    }

                    // per sample, T = S = 5 tokens, E = 16, u = 4 * kept heads, f = kept hidden:
                    // embedding 5*6*16 = 480 MACs, 6*16+16 = 112 parameters; per encoder K, Q, V
                    // 3 * 5*16*u = 240 u, products 2*5*5*u = 50 u, result 5*u*16 = 80 u, norms
                    // 2 * 5*16 = 160, feed-forward 5*16*f + 5*f*16 = 160 f MACs, and K, Q, V
                    // 3 * (16 u + u), result 16 u + 16, norms 2 * 4*16, feed-forward 16 f + f +
                    // f*16 + 16 parameters; head 16*3 = 48 MACs, 16*3+3 = 51 parameters
                    long macs = 480 + 48;
                    long parameters = 112 + 51;
                    for (int i = 0; i < 2; i++) {
                        long u = (long) HEAD_SIZE * keptHeads[i];
                        long f = keptHidden[i];
                        macs += 370 * u + 160 + 160 * f;
                        parameters += 67 * u + 160 + 33 * f;
                    }
                    assertEquals(macs, given.report().after().macs(), given.report().format());
                    assertEquals(parameters, given.report().after().parameters());
                    assertEquals(parameters, CompactFixtures.parameterCount(small));
                    // before: u = 16 and f = 32 in both encoders
                    assertEquals(
                            528 + 2 * (370 * 16 + 160 + 160 * 32), given.report().before().macs());
                    long predicted =
                            budget.cost(
                                    g -> {
                                        for (int i = 0; i < 2; i++) {
                                            if (g.equals(heads(ENCODERS.get(i)))) {
                                                return keptHeads[i];
                                            }
                                            if (g.equals(hidden(ENCODERS.get(i)))) {
                                                return keptHidden[i];
                                            }
                                        }
                                        return budget.groupWidths().get(g);
                                    });
                    assertEquals(macs, predicted);
                    // the MAC budget: at most 35% of the dense MACs
                    assertTrue(
                            macs <= 0.35 * given.report().before().macs(), given.report().format());

                    double worst = 0;
                    for (int b = 0; b < 5; b++) {
                        NDArray x = batches.get(b).get(0);
                        float[] trained = CompactFixtures.forward(block, manager, x);
                        float[] compact = CompactFixtures.forward(small, manager, x);
                        worst = Math.max(worst, CompactFixtures.maxAbsDiff(trained, compact));
                        assertArrayEquals(
                                compact,
                                CompactFixtures.forward(zeros.model().getBlock(), manager, x));
                    }
                    assertTrue(worst <= 1e-4, "max |diff| " + worst);

                    // save and reload from the original architecture
                    given.save(dir);
                    NDArray x = batches.get(0).get(0);
                    try (Model loaded = CompactModels.load(dir, architecture())) {
                        assertEquals(parameters, CompactFixtures.parameterCount(loaded.getBlock()));
                        for (Pair<String, Parameter> p : small.getParameters()) {
                            assertArrayEquals(
                                    p.getValue().getArray().toFloatArray(),
                                    loaded.getBlock()
                                            .getParameters()
                                            .get(p.getKey())
                                            .getArray()
                                            .toFloatArray(),
                                    p.getKey());
                        }
                        // same values; the loaded arrays are laid out afresh, so the kernels may
                        // round the last bit differently
                        assertTrue(
                                CompactFixtures.maxAbsDiff(
                                                CompactFixtures.forward(small, manager, x),
                                                CompactFixtures.forward(
                                                        loaded.getBlock(), manager, x))
                                        <= 1e-5);
                    }

                    // the compact model (its encoders now compact ones, with the same paths) is
                    // discovered again and loses one more hidden unit from its zeros
                    String group = hidden(ENCODERS.get(0));
                    DiscoveryReport again = GroupDiscovery.builder().build().discover(small, INPUT);
                    assertEquals(
                            report.prunableGroups().stream().map(DiscoveredGroup::name).toList(),
                            again.prunableGroups().stream().map(DiscoveredGroup::name).toList(),
                            again.format());
                    assertEquals(
                            keptHeads[0],
                            again.group(heads(ENCODERS.get(0))).get().group().channels());
                    DiscoveredGroup g = again.group(group).get();
                    assertEquals(keptHidden[0], g.group().channels());
                    CompactFixtures.zero(small, g, 0);
                    float[] zeroed = CompactFixtures.forward(small, manager, x);
                    try (CompactModel smaller =
                            Compaction.compactZeroChannels(small, again, INPUT)) {
                        assertArrayEquals(new int[] {0}, smaller.selection().removed(group));
                        // one hidden unit: 5*16 + 5*16 MACs
                        assertEquals(
                                macs - 160,
                                smaller.report().after().macs(),
                                smaller.report().format());
                        assertTrue(
                                CompactFixtures.maxAbsDiff(
                                                zeroed,
                                                CompactFixtures.forward(
                                                        smaller.model().getBlock(), manager, x))
                                        <= 1e-4);
                    }
                }
            }
        }
    }
}
