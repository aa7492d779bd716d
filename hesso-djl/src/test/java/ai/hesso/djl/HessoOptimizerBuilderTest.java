package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.SequentialBlock;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;

class HessoOptimizerBuilderTest {

    private static void assertMessage(String expected, Runnable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
        assertTrue(
                e.getMessage().contains(expected),
                "'" + e.getMessage() + "' should mention " + expected);
    }

    @Test
    void theLearningRateIsSetExactlyOnce() {
        assertMessage(
                "neither",
                () -> Hesso.builder().setBlock(new SequentialBlock()).setPruningSteps(2).build());
        assertMessage(
                "both",
                () ->
                        Hesso.builder()
                                .setBlock(new SequentialBlock())
                                .setLearningRate(0.1)
                                .setLearningRateTracker(Tracker.fixed(0.1f))
                                .setPruningSteps(2)
                                .build());
        assertMessage(
                "learningRate",
                () ->
                        Hesso.builder()
                                .setBlock(new SequentialBlock())
                                .setLearningRate(Double.NaN)
                                .setPruningSteps(2)
                                .build());
    }

    @Test
    void missingOrBadSettingsAreNamed() {
        assertMessage(
                "block", () -> Hesso.builder().setLearningRate(0.1).setPruningSteps(2).build());
        assertMessage(
                "pruningSteps",
                () -> Hesso.builder().setLearningRate(0.1).setBlock(new SequentialBlock()).build());
        assertMessage(
                "momentum",
                () ->
                        Hesso.builder()
                                .setLearningRate(0.1)
                                .setBlock(new SequentialBlock())
                                .setPruningSteps(2)
                                .optMomentum(1.5)
                                .build());
        assertMessage(
                "targetGroupSparsity",
                () ->
                        Hesso.builder()
                                .setLearningRate(0.1)
                                .setBlock(new SequentialBlock())
                                .setPruningSteps(2)
                                .optTargetGroupSparsity(-0.1)
                                .build());
        assertMessage(
                "rescaleGrad",
                () ->
                        Hesso.builder()
                                .setLearningRate(0.1)
                                .setBlock(new SequentialBlock())
                                .setPruningSteps(2)
                                .setRescaleGrad(0)
                                .build());
    }
}
