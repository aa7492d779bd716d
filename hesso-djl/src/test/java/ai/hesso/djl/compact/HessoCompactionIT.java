package ai.hesso.djl.compact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.tracker.Tracker;
import ai.hesso.core.HessoSettings;
import ai.hesso.djl.Hesso;
import ai.hesso.djl.HessoOptimizer;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.fixtures.SeededTrainer;
import ai.hesso.fixtures.SyntheticData;
import ai.hesso.fixtures.TinyModels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The library's whole path on a model HESSO really pruned: train {@code TinyModels.smallCnn(4)}
 * until half its 24 prunable channels are zero, then compact it with {@code hesso.prunedChannels()}
 * and with the exact zeros; both agree, and the compact model predicts what the trained model
 * predicts with the running statistics training left.
 */
class HessoCompactionIT {

    private static final Shape INPUT = new Shape(8, 1, 8, 8);

    @Test
    void theOptimizersPrunedChannelsCompactToTheSameFunction() {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDList> batches =
                    SyntheticData.fixedBatches(manager, 40, 8, new Shape(1, 8, 8), 4, 21);
            try (SeededTrainer run =
                    new SeededTrainer(
                            TinyModels.smallCnn(4),
                            INPUT,
                            9,
                            b ->
                                    Hesso.sgd()
                                            .optMomentum(0.9)
                                            .setLearningRateTracker(Tracker.fixed(0.05f))
                                            .setBlock(b)
                                            .setPruning(
                                                    HessoSettings.builder()
                                                            .optTargetGroupSparsity(0.5)
                                                            .optStartPruningStep(10)
                                                            .setPruningSteps(30)
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
                String conv1 = "01SequentialBlock_01Conv2d";
                String conv2 = "03SequentialBlock_01Conv2d";
                assertEquals(List.of(conv1, conv2), List.copyOf(pruned.keySet()));
                int k1 = pruned.get(conv1).length;
                int k2 = pruned.get(conv2).length;
                // 8 + 16 prunable channels, target sparsity 0.5
                assertEquals(12, k1 + k2);
                float[] runningMean =
                        block.getParameters()
                                .get("01SequentialBlock_02BatchNorm_runningMean")
                                .getArray()
                                .toFloatArray();
                assertTrue(CompactFixtures.maxAbs(runningMean) > 1e-3, "statistics trained");

                DiscoveryReport report = GroupDiscovery.builder().build().discover(block, INPUT);
                try (CompactModel given = Compaction.compact(block, report, pruned, INPUT);
                        CompactModel zeros = Compaction.compactZeroChannels(block, report, INPUT)) {
                    for (String g : pruned.keySet()) {
                        assertArrayEquals(pruned.get(g), zeros.selection().removed(g), g);
                    }
                    int c1 = 8 - k1;
                    int c2 = 16 - k2;
                    // conv1 c1*(1*9) + c1, bn1 4*c1, conv2 c2*(c1*9) + c2, bn2 4*c2,
                    // head 4*(c2*2*2) + 4 (8x8 pooled twice is 2x2)
                    long parameters = 10L * c1 + 4 * c1 + c2 * (9L * c1 + 1) + 4 * c2 + 16 * c2 + 4;
                    assertEquals(parameters, given.report().after().parameters());
                    assertEquals(
                            parameters, CompactFixtures.parameterCount(given.model().getBlock()));
                    // conv1 c1*64 outputs * 9, bn1 c1*64, conv2 c2*16 outputs * 9*c1, bn2 c2*16,
                    // head 4 * 4*c2
                    long macs = 576L * c1 + 64 * c1 + 144L * c2 * c1 + 16 * c2 + 16 * c2;
                    assertEquals(macs, given.report().after().macs());

                    double worst = 0;
                    for (int b = 0; b < 5; b++) {
                        NDList batch = batches.get(b);
                        float[] trained = CompactFixtures.forward(block, manager, batch.get(0));
                        float[] small =
                                CompactFixtures.forward(
                                        given.model().getBlock(), manager, batch.get(0));
                        worst = Math.max(worst, CompactFixtures.maxAbsDiff(trained, small));
                        assertArrayEquals(argmax(trained, 4), argmax(small, 4), "batch " + b);
                        assertArrayEquals(
                                small,
                                CompactFixtures.forward(
                                        zeros.model().getBlock(), manager, batch.get(0)));
                    }
                    assertTrue(worst <= 1e-4, "max |diff| " + worst);
                }
            }
        }
    }

    private static int[] argmax(float[] logits, int classes) {
        int[] out = new int[logits.length / classes];
        for (int i = 0; i < out.length; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[i * classes + c] > logits[i * classes + best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }
}
