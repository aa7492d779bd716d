package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.SequentialBlock;
import ai.djl.training.tracker.Tracker;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.variant.Variant;
import ai.hesso.core.variant.VariantSettings;
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
                () ->
                        Hesso.sgd()
                                .setBlock(new SequentialBlock())
                                .setPruning(HessoSettings.builder().setPruningSteps(2).build())
                                .build());
        assertMessage(
                "both",
                () ->
                        Hesso.sgd()
                                .setBlock(new SequentialBlock())
                                .setLearningRate(0.1)
                                .setLearningRateTracker(Tracker.fixed(0.1f))
                                .setPruning(HessoSettings.builder().setPruningSteps(2).build())
                                .build());
        assertMessage(
                "learningRate",
                () ->
                        Hesso.sgd()
                                .setBlock(new SequentialBlock())
                                .setLearningRate(Double.NaN)
                                .setPruning(HessoSettings.builder().setPruningSteps(2).build())
                                .build());
    }

    @Test
    void aNullBlockIsNamedWithItsLikelyCause() {
        // what setBlock(model.getBlock()) passes before model.setBlock(..) was called
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                Hesso.sgd()
                                        .setLearningRate(0.1)
                                        .setBlock(null)
                                        .setPruning(
                                                HessoSettings.builder().setPruningSteps(2).build())
                                        .build());
        assertEquals(
                "setBlock(..) was given null: model.getBlock() returns null until"
                        + " model.setBlock(block) is called; call model.setBlock(block) before"
                        + " building the optimizer, or pass the block itself to setBlock(block)",
                e.getMessage());
        // never called at all: the block is simply missing
        IllegalArgumentException missing =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                Hesso.sgd()
                                        .setLearningRate(0.1)
                                        .setPruning(
                                                HessoSettings.builder().setPruningSteps(2).build())
                                        .build());
        assertEquals(
                "block is required: call setBlock(model.getBlock()) so HESSO can name the"
                        + " parameters",
                missing.getMessage());
    }

    @Test
    void missingOrBadSettingsAreNamed() {
        assertMessage(
                "block",
                () ->
                        Hesso.sgd()
                                .setLearningRate(0.1)
                                .setPruning(HessoSettings.builder().setPruningSteps(2).build())
                                .build());
        assertMessage(
                "pruningSteps",
                () ->
                        Hesso.sgd()
                                .setLearningRate(0.1)
                                .setBlock(new SequentialBlock())
                                .setPruning(HessoSettings.builder().build())
                                .build());
        assertMessage(
                "momentum",
                () ->
                        Hesso.sgd()
                                .optMomentum(1.5)
                                .setLearningRate(0.1)
                                .setBlock(new SequentialBlock())
                                .setPruning(HessoSettings.builder().setPruningSteps(2).build())
                                .build());
        assertMessage(
                "targetGroupSparsity",
                () ->
                        Hesso.sgd()
                                .setLearningRate(0.1)
                                .setBlock(new SequentialBlock())
                                .setPruning(
                                        HessoSettings.builder()
                                                .setPruningSteps(2)
                                                .optTargetGroupSparsity(-0.1)
                                                .build())
                                .build());
        assertMessage(
                "rescaleGrad",
                () ->
                        Hesso.sgd()
                                .setLearningRate(0.1)
                                .setBlock(new SequentialBlock())
                                .setRescaleGrad(0)
                                .setPruning(HessoSettings.builder().setPruningSteps(2).build())
                                .build());
    }

    @Test
    void pruningSettingsAreRequiredAndWeightDecayHasOneName() {
        assertMessage(
                "pruning settings are required: call setPruning(",
                () -> Hesso.sgd().setLearningRate(0.1).setBlock(new SequentialBlock()).build());
        // DJL's float setter would round 0.01 to 0.0099999998: refused, with the one way to say it
        assertMessage(
                "optWeightDecays(0.01f) is not used by HESSO: set the weight decay in double"
                        + " precision with optWeightDecay(wd)",
                () ->
                        Hesso.sgd()
                                .setLearningRate(0.1)
                                .setBlock(new SequentialBlock())
                                .setPruning(HessoSettings.builder().setPruningSteps(2).build())
                                .optWeightDecays(0.01f)
                                .build());
    }

    private static HessoSettings pruning() {
        return HessoSettings.builder()
                .optTargetGroupSparsity(0.5)
                .optStartPruningStep(10)
                .setPruningSteps(20)
                .build();
    }

    @Test
    void variantFirstBuildersGiveTheVariantSettings() {
        HessoOptimizer sgd =
                Hesso.sgd()
                        .setLearningRate(0.05)
                        .setBlock(new SequentialBlock())
                        .setPruning(pruning())
                        .optMomentum(0.9)
                        .optWeightDecay(1e-4)
                        .build();
        assertEquals(VariantSettings.sgd(0.9, 0, 1e-4), sgd.variantSettings());
        HessoOptimizer adamW =
                Hesso.adamW()
                        .setLearningRate(0.001)
                        .setBlock(new SequentialBlock())
                        .setPruning(pruning())
                        .optBeta2(0.99)
                        .optWeightDecay(0.01)
                        .build();
        assertEquals(VariantSettings.adam(Variant.ADAMW, 0.9, 0.99, 0.01), adamW.variantSettings());
        HessoOptimizer adam =
                Hesso.adam()
                        .setLearningRate(0.001)
                        .setBlock(new SequentialBlock())
                        .setPruning(pruning())
                        .optEpsilon(1e-6)
                        .build();
        assertEquals(
                new VariantSettings(Variant.ADAM, 0, 0, 0.9, 0.999, 1e-6, 0),
                adam.variantSettings());
    }

    @Test
    void aSettingOfAnotherVariantIsRefusedWithTheEntryPointToUse() {
        assertMessage(
                "optMomentum(..) does not apply to ADAM: start with Hesso.sgd() for it",
                () ->
                        Hesso.adam()
                                .setLearningRate(0.001)
                                .setBlock(new SequentialBlock())
                                .setPruning(pruning())
                                .optMomentum(0.9)
                                .build());
        assertMessage(
                "optBeta1(..) does not apply to SGD: start with Hesso.adam() or Hesso.adamW() for"
                        + " it",
                () ->
                        Hesso.sgd()
                                .setLearningRate(0.001)
                                .setBlock(new SequentialBlock())
                                .setPruning(pruning())
                                .optBeta1(0.8)
                                .build());
    }
}
