package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.Phase;
import ai.hesso.core.variant.Variant;
import ai.hesso.core.variant.VariantSettings;
import ai.hesso.fixtures.SeededTrainer;
import ai.hesso.fixtures.SyntheticData;
import ai.hesso.fixtures.TinyModels;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link HessoOptimizer#stateBytes()} counts what the engine holds: during warm-up exactly the
 * variant's buffers (one float32 per trainable scalar for SGD with momentum, two for Adam), more
 * once masks exist, and nothing after the optimizer is closed.
 */
class StateBytesIT {

    /** mlp(6, 8, 3), two hidden layers: 6 x 8 + 8, 8 x 8 + 8, 8 x 3 + 3 weights and biases. */
    private static final long TRAINABLE = 6 * 8 + 8 + 8 * 8 + 8 + 8 * 3 + 3;

    private static long[] run(VariantSettings variant) {
        HessoSettings pruning =
                HessoSettings.builder()
                        .optTargetGroupSparsity(0.5)
                        .optStartPruningStep(4)
                        .setPruningSteps(4)
                        .optPruningPeriods(2)
                        .build();
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDList> batches = SyntheticData.fixedBatches(manager, 10, 4, new Shape(6), 3, 11);
            try (SeededTrainer run =
                    new SeededTrainer(
                            TinyModels.mlp(6, 8, 3),
                            new Shape(4, 6),
                            3,
                            b ->
                                    HessoBuilders.of(variant)
                                            .setLearningRate(0.01)
                                            .setBlock(b)
                                            .setPruning(pruning)
                                            .build())) {
                HessoOptimizer hesso = (HessoOptimizer) run.optimizer();
                run.setLossSink(hesso::setLoss);
                long before = hesso.stateBytes();
                for (int i = 0; i < 3; i++) {
                    run.step(batches.get(i));
                }
                assertEquals(Phase.WARM_UP, hesso.metrics().phase());
                long warmUp = hesso.stateBytes();
                for (int i = 3; i < 10; i++) {
                    run.step(batches.get(i));
                }
                assertEquals(Phase.PRUNED, hesso.metrics().phase());
                long pruned = hesso.stateBytes();
                hesso.close();
                return new long[] {before, warmUp, pruned, hesso.stateBytes()};
            }
        }
    }

    @Test
    void sgdWithMomentumKeepsOneBufferAndAdamTwoThenMasksAreAdded() {
        long[] sgd = run(VariantSettings.sgd(0.9, 0, 0));
        long[] adam = run(VariantSettings.adam(Variant.ADAM, 0.9, 0.999, 0));
        assertEquals(0, sgd[0]);
        assertEquals(TRAINABLE * 4, sgd[1]);
        assertEquals(2 * TRAINABLE * 4, adam[1]);
        // the masks and multipliers of the two hidden groups (8 channels each) come on top
        assertTrue(sgd[2] > sgd[1], sgd[2] + " bytes");
        assertEquals(sgd[2] - sgd[1], adam[2] - adam[1]);
        assertEquals(0, sgd[3]);
    }
}
