package ai.hesso.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.core.Phase;
import ai.hesso.core.variant.Variant;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code hesso bench} on synthetic batches, every variant: each phase gets its paired steps, and
 * the DJL optimizer's state read from its fields is exactly what its update keeps (one buffer per
 * trainable scalar for SGD with momentum, two for Adam and AdamW). No timing is asserted: timings
 * belong to the benchmark's output, not to tests.
 */
class StepBenchIT {

    /** The demo CNN's trainable scalars (convolutions, batch-norm gamma and beta, the head). */
    private static final long TRAINABLE = 40_954;

    @Test
    void everyVariantIsPairedAndTheDjlStateIsOneOrTwoBuffersPerScalar() throws Exception {
        BenchSettings settings =
                new BenchSettings(
                        Path.of("/nonexistent"),
                        true,
                        30,
                        2,
                        5,
                        4,
                        3,
                        7,
                        BenchSettings.FASHION_CNN,
                        List.of(Variant.SGD, Variant.ADAM, Variant.ADAMW));
        Map<Variant, StepBench.Result> results = new StepBench(settings).run();
        assertEquals(
                List.of(Variant.SGD, Variant.ADAM, Variant.ADAMW), List.copyOf(results.keySet()));
        // float32: 4 bytes a scalar
        Map<Variant, Long> djlBuffers =
                Map.of(Variant.SGD, 1L, Variant.ADAM, 2L, Variant.ADAMW, 2L);
        for (Map.Entry<Variant, StepBench.Result> e : results.entrySet()) {
            StepBench.Result r = e.getValue();
            // 30 timed steps, each paired; warm-up ends at step 2 + 10, the periods run steps 13
            // to 22, and step 22, which prunes the last channels, already reports PRUNED
            int all = r.hessoTimes(EnumSet.allOf(Phase.class)).length;
            assertEquals(30, all, e.getKey().toString());
            assertEquals(all, r.djlTimes(EnumSet.allOf(Phase.class)).length);
            assertEquals(9, r.hessoTimes(EnumSet.of(Phase.PRUNING)).length, e.getKey().toString());
            // 5 periods of 2 steps (13-14, ..., 21-22): each period's first step scores
            assertEquals(5, r.scoringSteps(EnumSet.of(Phase.PRUNING)), e.getKey().toString());
            assertEquals(5, r.scoringSteps(EnumSet.allOf(Phase.class)), e.getKey().toString());
            assertTrue(Double.isFinite(r.ratio(EnumSet.of(Phase.PRUNING), true)));
            assertTrue(Double.isFinite(r.ratio(EnumSet.of(Phase.PRUNING), false)));
            assertEquals(
                    djlBuffers.get(e.getKey()) * TRAINABLE * 4,
                    r.djlStateBytes(),
                    e.getKey().toString());
            // HESSO keeps the same buffers and, after pruning, the masks and multipliers
            assertTrue(r.hessoStateBytes() > r.djlStateBytes(), e.getKey().toString());
            // every HESSO step timed by phase: 2 warm-up and 30 timed
            assertEquals(32, r.hessoTimings().steps(), e.getKey().toString());
            assertTrue(
                    r.hessoTimings()
                            .byPhase()
                            .keySet()
                            .containsAll(
                                    List.of(
                                            "finite check",
                                            "plan",
                                            "direction",
                                            "masks and projection")),
                    r.hessoTimings().toString());
        }
    }

    /**
     * The step benchmark's transformer (four DJL encoders, width 512, 8 heads, 2048 hidden units):
     * 12,656,650 parameters, of which the 8,192 running means and variances of its eight batch
     * norms are not trained. A short SGD run pairs every step and DJL's state is one momentum
     * buffer per trainable scalar.
     */
    @Test
    void theTransformerRunsEveryPhaseAndDjlKeepsOneBufferPerScalar() throws Exception {
        BenchSettings settings =
                new BenchSettings(
                        Path.of("/nonexistent"),
                        true,
                        30,
                        0,
                        5,
                        2,
                        2,
                        7,
                        BenchSettings.TRANSFORMER,
                        List.of(Variant.SGD));
        StepBench.Result r = new StepBench(settings).run().get(Variant.SGD);
        assertEquals(30, r.hessoTimes(EnumSet.allOf(Phase.class)).length);
        assertEquals(30, r.djlTimes(EnumSet.allOf(Phase.class)).length);
        assertEquals(9, r.hessoTimes(EnumSet.of(Phase.PRUNING)).length);
        assertEquals((12_656_650L - 8_192L) * 4, r.djlStateBytes());
        assertTrue(r.hessoStateBytes() > r.djlStateBytes());
        assertEquals(30, r.hessoTimings().steps());
    }
}
