package ai.hesso.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.core.cric.CricSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code optTargetMacs}: valid budgets, and every invalid one refused naming the setting. */
class TargetMacsSettingsTest {

    private static HessoSettings.Builder schedule() {
        return HessoSettings.builder().setPruningSteps(10);
    }

    @Test
    void aBudgetReplacesTheGroupSparsityTarget() {
        HessoSettings settings = schedule().optTargetMacs(0.3).build();
        assertEquals(0.3, settings.targetMacs().getAsDouble());
        assertEquals(0, settings.targetGroupSparsity());
        assertEquals(0, settings.targetChannels(100));
        assertTrue(settings.toString().startsWith("HessoSettings[targetMacs=0.3,"));
        // without either target the default group sparsity applies, as before
        HessoSettings plain = schedule().build();
        assertEquals(0.5, plain.targetGroupSparsity());
        assertTrue(plain.targetMacs().isEmpty());
        assertTrue(plain.toString().startsWith("HessoSettings[targetGroupSparsity=0.5,"));
    }

    @Test
    void worksWithCricAndGroupDivisible() {
        HessoSettings settings =
                HessoSettings.builder()
                        .optTargetMacs(0.25)
                        .optGroupDivisible(4)
                        .optCric(CricSettings.builder().setStartCricStep(10).build())
                        .build();
        assertEquals(0.25, settings.targetMacs().getAsDouble());
        assertEquals(4, settings.groupDivisible());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -0.1, 1, 1.5, Double.NaN, Double.POSITIVE_INFINITY})
    void invalidBudgetsAreRefusedNamingTheSetting(double budget) {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> schedule().optTargetMacs(budget).build());
        assertEquals(
                "targetMacs must be in (0, 1), the fraction of the dense model's MACs to keep"
                        + " (e.g. 0.3), got "
                        + budget,
                e.getMessage());
    }

    @Test
    void bothTargetsAreRefused() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> schedule().optTargetGroupSparsity(0.5).optTargetMacs(0.3).build());
        assertEquals(
                "set one target, not both: optTargetGroupSparsity(0.5) prunes a fraction of the"
                        + " channels, optTargetMacs(0.3) keeps a fraction of the MACs; remove one"
                        + " of them",
                e.getMessage());
    }

    @Test
    void costFractionsFollowTheQuotaShape() {
        double[] fractions =
                schedule().optPruningPeriods(4).build().schedule().orElseThrow().costFractions(0.2);
        // each period removes (1 - 0.2) / 4 = 0.2 of the dense cost
        assertEquals(4, fractions.length);
        assertEquals(0.8, fractions[0], 1e-15);
        assertEquals(0.6, fractions[1], 1e-15);
        assertEquals(0.4, fractions[2], 1e-15);
        assertEquals(0.2, fractions[3]);
    }
}
