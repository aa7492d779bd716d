package ai.hesso.djl.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.core.HessoSettings;
import ai.hesso.core.SettingsFingerprint;
import ai.hesso.core.cric.CricSettings;
import ai.hesso.core.saliency.SaliencyMix;
import ai.hesso.core.variant.Variant;
import ai.hesso.core.variant.VariantSettings;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checkpoints written before settings were named values stored the printed settings; they must read
 * back as the fingerprint the same settings give now, so those runs keep resuming.
 */
class PrintedSettingsTest {

    static Stream<HessoSettings> pruningSettings() {
        return Stream.of(
                HessoSettings.builder().setPruningSteps(40).build(),
                HessoSettings.builder()
                        .optTargetGroupSparsity(0.7)
                        .optStartPruningStep(5)
                        .setPruningSteps(40)
                        .optPruningPeriods(4)
                        .optGroupDivisible(4)
                        .optSaliency(SaliencyMix.taylorOnly())
                        .build(),
                HessoSettings.builder().optTargetMacs(0.3).setPruningSteps(10).build(),
                HessoSettings.builder()
                        .setPruningSteps(10)
                        .optGroupSparsityBounds(0.25, 0.75)
                        .build(),
                HessoSettings.builder()
                        .optTargetMacs(0.2)
                        .setPruningSteps(10)
                        .optGroupSparsityBounds(0.3, 0.8)
                        .build(),
                HessoSettings.builder()
                        .optTargetGroupSparsity(0.5)
                        .optCric(
                                CricSettings.builder()
                                        .setStartCricStep(3)
                                        .optTrialSparsities(0.5, 0.75)
                                        .optLossWeight(0.5)
                                        .build())
                        .build());
    }

    @ParameterizedTest
    @MethodSource("pruningSettings")
    void printedSettingsReadBackAsTodaysFingerprint(HessoSettings pruning) {
        for (VariantSettings variant :
                new VariantSettings[] {
                    VariantSettings.sgd(0.9, 0, 1e-4),
                    VariantSettings.adam(Variant.ADAMW, 0.8, 0.99, 0.01)
                }) {
            SettingsFingerprint expected =
                    SettingsFingerprint.builder()
                            .addAll(pruning.fingerprint())
                            .addAll(variant.fingerprint())
                            .add("djl.rescaleGrad", 1f)
                            .add("djl.clipGrad", -1f)
                            .build();
            SettingsFingerprint read =
                    PrintedSettings.fingerprint(pruning.toString(), variant.toString(), 1f, -1f);
            assertEquals(expected, read);
            assertTrue(read.differences(expected).isEmpty());
        }
    }

    @Test
    void aPrintedFormFromBeforeTheChangeIsRead() {
        // verbatim from checkpoints/printed-settings/mlp-0002.hesso, written by the last version
        // that printed its settings
        SettingsFingerprint read =
                PrintedSettings.fingerprint(
                        "HessoSettings[targetGroupSparsity=0.25, schedule=null, groupDivisible=1,"
                                + " saliency={magnitude=0.2, avgMagnitude=0.2, cosine=0.2,"
                                + " taylorFirstOrder=0.2, taylorSecondOrder=0.2},"
                                + " cric=CricSettings[startCricStep=5, samplingSteps=3,"
                                + " maxCycles=2, tolerance=0, hybridTrainingSteps=6,"
                                + " trialSparsities=[0.25, 0.5, 0.75], lossWeight=1.0]]",
                        "VariantSettings[variant=ADAM, momentum=0.0, dampening=0.0, beta1=0.9,"
                                + " beta2=0.999, epsilon=1.0E-8, weightDecay=0.001]",
                        1f,
                        -1f);
        assertEquals("0.25", read.entries().get("target.groupSparsity"));
        assertEquals("0.2", read.entries().get("saliency.taylorFirstOrder"));
        assertEquals("[0.25, 0.5, 0.75]", read.entries().get("cric.trialSparsities"));
        assertEquals("ADAM", read.entries().get("variant.kind"));
        assertEquals("0.001", read.entries().get("variant.weightDecay"));
        // 1 target + groupDivisible + 5 saliency + 7 cric + 7 variant + 2 DJL settings
        assertEquals(23, read.entries().size(), read.entries().toString());
    }

    @Test
    void unreadableTextIsRefusedWithTheText() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                PrintedSettings.fingerprint(
                                        "HessoSettings[targetGroupSparsity=0.5, mystery=3]",
                                        "VariantSettings[variant=SGD]",
                                        1f,
                                        -1f));
        assertTrue(e.getMessage().contains("cannot read"), e.getMessage());
        assertTrue(e.getMessage().contains("mystery=3"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> PrintedSettings.fingerprint("pruning[..]", "sgd", 1f, -1f));
        assertTrue(
                e.getMessage().contains("not a printed HessoSettings: pruning[..]"),
                e.getMessage());
    }
}
