package ai.hesso.core.saliency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CriterionTest {

    /**
     * Two channels: x rows with norms 3 and 4, d rows with norms 1 and 2, {@code <x,d>} = 3 and -8,
     * row length 3. Channel 0 has x parallel to d, channel 1 anti-parallel.
     */
    private static final ChannelStatistics STATS =
            new ChannelStatistics(
                    new double[] {9, 16},
                    new double[] {1, 4},
                    new double[] {3, -8},
                    new double[] {3, 3});

    @Test
    void magnitudeIsTheRowNorm() {
        assertArrayEquals(new double[] {3, 4}, Criterion.MAGNITUDE.score(STATS), 1e-12);
    }

    @Test
    void averageMagnitudeDividesByRowLength() {
        assertArrayEquals(
                new double[] {3 / 3.000001, 4 / 3.000001},
                Criterion.AVERAGE_MAGNITUDE.score(STATS),
                1e-12);
    }

    @Test
    void cosineIsShiftedIntoZeroToTwo() {
        double[] cosine = Criterion.COSINE.score(STATS);
        // parallel: 3 / 3 / 1 + 1 = 2; anti-parallel: -8 / 4 / 2 + 1 = 0 (up to the 1e-8 guards)
        assertEquals(2.0, cosine[0], 1e-7);
        assertEquals(0.0, cosine[1], 1e-7);
        assertEquals(3 / (3 + 1e-8) / (1 + 1e-8) + 1, cosine[0], 1e-15);
    }

    @Test
    void taylorCriteriaUseTheInnerProduct() {
        assertArrayEquals(new double[] {3, 8}, Criterion.TAYLOR_FIRST_ORDER.score(STATS), 0);
        assertArrayEquals(new double[] {4.5, 32}, Criterion.TAYLOR_SECOND_ORDER.score(STATS), 0);
    }

    @Test
    void cosineOfAZeroRowIsOne() {
        ChannelStatistics zero =
                new ChannelStatistics(
                        new double[] {0}, new double[] {4}, new double[] {0}, new double[] {2});
        assertArrayEquals(new double[] {1.0}, Criterion.COSINE.score(zero), 0);
    }

    @Test
    void keysRoundTrip() {
        for (Criterion criterion : Criterion.values()) {
            assertEquals(criterion, Criterion.ofKey(criterion.key()));
        }
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Criterion.ofKey("l1"));
        assertEquals(true, e.getMessage().contains("taylorFirstOrder"));
    }

    @Test
    void mixNormalisesEachCriterionOverAllChannels() {
        Map<Criterion, Double> weights = new LinkedHashMap<>();
        weights.put(Criterion.MAGNITUDE, 0.5);
        weights.put(Criterion.TAYLOR_FIRST_ORDER, 0.25);
        double[] mixed = SaliencyMix.of(weights).score(STATS);
        double magnitudeNorm = Math.sqrt(1e-8 + 25) + 1e-8;
        double taylorNorm = Math.sqrt(1e-8 + 73) + 1e-8;
        assertArrayEquals(
                new double[] {
                    0.5 * 3 / magnitudeNorm + 0.25 * 3 / taylorNorm,
                    0.5 * 4 / magnitudeNorm + 0.25 * 8 / taylorNorm
                },
                mixed,
                1e-15);
        // hand value: 0.5 * 0.6 + 0.25 * 3 / 8.5440037 = 0.3 + 0.0877809 = 0.3877809
        assertEquals(0.3877809, mixed[0], 1e-7);
    }

    @Test
    void defaultMixWeighsAllFiveCriteriaEqually() {
        SaliencyMix mix = SaliencyMix.defaults();
        assertEquals(5, mix.weights().size());
        mix.weights().values().forEach(w -> assertEquals(0.2, w, 0));
        double expected = 0;
        for (Criterion c : Criterion.values()) {
            double[] raw = c.score(STATS);
            expected += 0.2 * raw[1] / SaliencyMix.normalisationDenominator(raw);
        }
        assertEquals(expected, mix.score(STATS)[1], 1e-15);
    }

    @Test
    void badWeightsAreRejectedWithTheirName() {
        IllegalArgumentException negative =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> SaliencyMix.of(Map.of(Criterion.COSINE, -1.0)));
        assertEquals(true, negative.getMessage().contains("cosine"));
        IllegalArgumentException allZero =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> SaliencyMix.of(Map.of(Criterion.COSINE, 0.0)));
        assertEquals(true, allZero.getMessage().contains("all zero"));
        assertThrows(
                IllegalArgumentException.class,
                () -> SaliencyMix.of(Map.of(Criterion.COSINE, Double.NaN)));
    }

    @Test
    void customCriterionJoinsTheMix() {
        SaliencyCriterion constant =
                new SaliencyCriterion() {
                    @Override
                    public String key() {
                        return "constant";
                    }

                    @Override
                    public double[] score(ChannelStatistics statistics) {
                        return new double[] {1, 1};
                    }
                };
        double[] scores = SaliencyMix.of(Map.of(constant, 2.0)).score(STATS);
        double each = 2.0 / (Math.sqrt(1e-8 + 2) + 1e-8);
        assertArrayEquals(new double[] {each, each}, scores, 1e-15);
    }

    @Test
    void statisticsMustAgreeInLength() {
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new ChannelStatistics(
                                new double[2], new double[2], new double[1], new double[2]));
    }
}
