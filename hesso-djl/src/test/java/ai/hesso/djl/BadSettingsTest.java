package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.nn.SequentialBlock;
import ai.djl.training.tracker.Tracker;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.cric.CricSettings;
import ai.hesso.core.variant.Variant;
import ai.hesso.core.variant.VariantSettings;
import ai.hesso.djl.checkpoint.HessoCheckpointListener;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad setting is refused when it is built, with a message that names the value and what would
 * be valid. The calls that need a model (an update for a foreign parameter, a second model, a
 * tracker that goes bad later, settings that prune nothing for this model) are in {@code
 * BadCallsIT}.
 */
class BadSettingsTest {

    private static HessoOptimizer.Builder valid() {
        return Hesso.sgd()
                .setLearningRateTracker(Tracker.fixed(0.1f))
                .setBlock(new SequentialBlock())
                .setPruning(
                        HessoSettings.builder()
                                .optStartPruningStep(10)
                                .setPruningSteps(9)
                                .optPruningPeriods(3)
                                .build());
    }

    private static Runnable optimizer(UnaryOperator<HessoOptimizer.Builder> change) {
        return () -> change.apply(valid()).build();
    }

    private static Runnable cric(UnaryOperator<CricSettings.Builder> change) {
        return () -> change.apply(CricSettings.builder().setStartCricStep(3)).build();
    }

    private static Runnable pruning(UnaryOperator<HessoSettings.Builder> change) {
        return () -> change.apply(HessoSettings.builder().setPruningSteps(4)).build();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // the optimizer's builder
                Arguments.of(
                        "Tracker.fixed(-0.1f)",
                        optimizer(b -> b.setLearningRateTracker(Tracker.fixed(-0.1f))),
                        "the learning rate tracker gives -0.1 at step 0; learning rates must be"
                                + " finite and >= 0"),
                Arguments.of(
                        "Tracker.fixed(NaN)",
                        optimizer(b -> b.setLearningRateTracker(Tracker.fixed(Float.NaN))),
                        "the learning rate tracker gives NaN at step 0; learning rates must be"
                                + " finite and >= 0"),
                Arguments.of(
                        "setLearningRate(-1)",
                        (Runnable)
                                () ->
                                        Hesso.sgd()
                                                .setLearningRate(-1)
                                                .setBlock(new SequentialBlock())
                                                .setPruning(
                                                        HessoSettings.builder()
                                                                .setPruningSteps(2)
                                                                .build())
                                                .build(),
                        "learningRate must be finite and >= 0, got -1.0"),
                Arguments.of(
                        "no learning rate",
                        (Runnable)
                                () ->
                                        Hesso.sgd()
                                                .setBlock(new SequentialBlock())
                                                .setPruning(
                                                        HessoSettings.builder()
                                                                .setPruningSteps(2)
                                                                .build())
                                                .build(),
                        "set the learning rate once: either setLearningRateTracker(tracker) or"
                                + " setLearningRate(lr), got neither"),
                Arguments.of(
                        "a null block (model.getBlock() before model.setBlock(..))",
                        optimizer(b -> b.setBlock(null)),
                        "setBlock(..) was given null: model.getBlock() returns null until"
                                + " model.setBlock(block) is called; call model.setBlock(block)"
                                + " before building the optimizer, or pass the block itself to"
                                + " setBlock(block)"),
                Arguments.of(
                        "clipGrad 0",
                        optimizer(b -> b.optClipGrad(0)),
                        "clipGrad must be positive and finite to clip, or negative (the default,"
                                + " -1) for no clipping, got 0.0 (a clip of 0 would zero every"
                                + " gradient)"),
                Arguments.of(
                        "clipGrad NaN",
                        optimizer(b -> b.optClipGrad(Float.NaN)),
                        "clipGrad must be positive and finite to clip, or negative (the default,"
                                + " -1) for no clipping, got NaN"),
                Arguments.of(
                        "rescaleGrad 0",
                        optimizer(b -> b.setRescaleGrad(0)),
                        "rescaleGrad must be positive and finite, got 0.0"),
                Arguments.of(
                        "DJL weight decay",
                        optimizer(b -> b.optWeightDecays(0.5f)),
                        "optWeightDecays(0.5f) is not used by HESSO: set the weight decay in double"
                                + " precision with optWeightDecay(wd)"),
                Arguments.of(
                        "DJL begin update",
                        optimizer(b -> b.optBeginNumUpdate(5)),
                        "optBeginNumUpdate(5) is not used by HESSO: it counts its steps itself;"
                                + " to continue a run, resume(checkpoint) restores the step"),
                Arguments.of(
                        "maxConsecutiveSkips -1",
                        optimizer(b -> b.optMaxConsecutiveSkips(-1)),
                        "maxConsecutiveSkips must be >= 1 (or unset: never give up), got -1"),
                Arguments.of(
                        "totalSteps -5",
                        optimizer(b -> b.optTotalSteps(-5)),
                        "totalSteps must be >= 1 (or unset when unknown), got -5"),
                Arguments.of(
                        "schedule ends after training",
                        optimizer(b -> b.optTotalSteps(17)),
                        "pruning ends at step 18 but optTotalSteps is 17: the target would not be"
                                + " reached; start pruning earlier (startPruningStep), shorten"
                                + " pruningSteps, or train longer"),
                // the pruning settings
                Arguments.of(
                        "targetGroupSparsity 1",
                        pruning(b -> b.optTargetGroupSparsity(1)),
                        "targetGroupSparsity must be in [0, 1), got 1.0"),
                Arguments.of(
                        "targetGroupSparsity NaN",
                        pruning(b -> b.optTargetGroupSparsity(Double.NaN)),
                        "targetGroupSparsity must be in [0, 1), got NaN"),
                Arguments.of(
                        "groupDivisible 0",
                        pruning(b -> b.optGroupDivisible(0)),
                        "groupDivisible must be >= 1, got 0"),
                Arguments.of(
                        "pruningPeriods 0",
                        pruning(b -> b.optPruningPeriods(0)),
                        "pruningPeriods must be >= 1, got 0"),
                Arguments.of(
                        "pruningSteps below periods",
                        pruning(b -> b.optPruningPeriods(5)),
                        "pruningSteps must be >= pruningPeriods (5) so that each period lasts at"
                                + " least one step, got 4"),
                Arguments.of(
                        "startPruningStep -3",
                        pruning(b -> b.optStartPruningStep(-3)),
                        "startPruningStep must be >= 0, got -3"),
                // CRIC
                Arguments.of(
                        "no startCricStep",
                        (Runnable) () -> CricSettings.builder().build(),
                        "startCricStep is required: call setStartCricStep(step >= 1)"),
                Arguments.of(
                        "startCricStep 0",
                        cric(b -> b.setStartCricStep(0)),
                        "startCricStep must be >= 1, got 0"),
                Arguments.of(
                        "samplingSteps 0",
                        cric(b -> b.optSamplingSteps(0)),
                        "samplingSteps must be >= 1, got 0"),
                Arguments.of(
                        "maxCycles 0",
                        cric(b -> b.optMaxCycles(0)),
                        "maxCycles must be >= 1, got 0"),
                Arguments.of(
                        "tolerance -1",
                        cric(b -> b.optTolerance(-1)),
                        "tolerance must be >= 0, got -1"),
                Arguments.of(
                        "hybridTrainingSteps 0",
                        cric(b -> b.optHybridTrainingSteps(0)),
                        "hybridTrainingSteps must be >= 1, got 0"),
                Arguments.of(
                        "trial sparsity 1.5",
                        cric(b -> b.optTrialSparsities(0.25, 1.5)),
                        "each trial sparsity must be in (0, 1), got 1.5"),
                Arguments.of(
                        "no trial sparsity",
                        cric(b -> b.optTrialSparsities()),
                        "trialSparsities needs at least one value in (0, 1)"),
                Arguments.of(
                        "lossWeight NaN",
                        cric(b -> b.optLossWeight(Double.NaN)),
                        "lossWeight must be finite and >= 0, got NaN"),
                // the variant
                Arguments.of(
                        "momentum 1.5",
                        (Runnable) () -> VariantSettings.sgd(1.5, 0, 0),
                        "momentum must be in [0.0, 1.0), got 1.5"),
                Arguments.of(
                        "weight decay NaN",
                        (Runnable) () -> VariantSettings.sgd(0.9, 0, Double.NaN),
                        "weightDecay must be finite and >= 0, got NaN"),
                Arguments.of(
                        "beta2 1",
                        (Runnable) () -> VariantSettings.adam(Variant.ADAM, 0.9, 1, 0),
                        "beta2 must be in [0.0, 1.0), got 1.0"),
                // the checkpoint listener
                Arguments.of(
                        "listener without optimizer",
                        (Runnable)
                                () ->
                                        HessoCheckpointListener.builder()
                                                .setOutputDirectory(Path.of("x"))
                                                .build(),
                        "optimizer is required: call setOptimizer(hesso) with the trainer's HESSO"
                                + " optimizer"),
                Arguments.of(
                        "listener every 0 epochs",
                        (Runnable)
                                () ->
                                        HessoCheckpointListener.builder()
                                                .setOptimizer(valid().build())
                                                .setOutputDirectory(Path.of("x"))
                                                .optEvery(0)
                                                .build(),
                        "every must be >= 1 epoch, got 0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badSettingsAreRefusedNamingTheValueAndTheRange(
            String setting, Runnable build, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
        assertEquals(message, e.getMessage());
    }
}
