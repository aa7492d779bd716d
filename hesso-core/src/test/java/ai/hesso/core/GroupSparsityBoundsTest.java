package ai.hesso.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The floor and cap values, their counts and the settings that accept or refuse them. */
class GroupSparsityBoundsTest {

    @Test
    void countsRoundDown() {
        GroupSparsityBounds b = new GroupSparsityBounds(0.3, 0.8);
        assertEquals(3, b.floorCount(10));
        assertEquals(4, b.floorCount(16)); // 4.8
        assertEquals(8, b.capCount(10));
        assertEquals(12, b.capCount(16)); // 12.8
        assertTrue(GroupSparsityBounds.NONE.isNone());
        assertFalse(b.isNone());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "-0.1|1|the group sparsity floor must be in [0, 1), got -0.1",
                "1|1|the group sparsity floor must be in [0, 1), got 1.0",
                "0|0|the group sparsity cap must be in (0, 1], got 0.0",
                "0|1.5|the group sparsity cap must be in (0, 1], got 1.5",
                "0.6|0.5|the group sparsity cap (0.5) must be at least the floor (0.6)",
            })
    void refusesBoundsOutOfRange(double floor, double cap, String message) {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> new GroupSparsityBounds(floor, cap));
        assertEquals(message, e.getMessage());
    }

    @Test
    void theTargetMustLieBetweenFloorAndCap() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                HessoSettings.builder()
                                        .optTargetGroupSparsity(0.7)
                                        .setPruningSteps(10)
                                        .optGroupSparsityBounds(0.2, 0.6)
                                        .build());
        assertEquals(
                "optGroupSparsityBounds(0.2, 0.6): the target group sparsity 0.7 must lie between"
                        + " the floor and the cap, or no selection can meet them all",
                e.getMessage());
        // the default target (0.5) counts too
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        HessoSettings.builder()
                                .setPruningSteps(10)
                                .optGroupSparsityBounds(0.6, 0.9)
                                .build());
    }

    @Test
    void perGroupAllocationAndCricRefuseBoundsAMacBudgetTakesThem() {
        IllegalArgumentException perGroup =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                HessoSettings.builder()
                                        .setPruningSteps(10)
                                        .optAllocation(Allocation.PER_GROUP)
                                        .optGroupSparsityBounds(0.2, 0.8)
                                        .build());
        assertEquals(
                "optGroupSparsityBounds(0.2, 0.8) bounds the global selection of HESSO's periods;"
                        + " Allocation.PER_GROUP already takes the same fraction from every group:"
                        + " remove one of them",
                perGroup.getMessage());
        IllegalArgumentException cric =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                HessoSettings.builder()
                                        .optTargetMacs(0.3)
                                        .optCric(
                                                ai.hesso.core.cric.CricSettings.builder()
                                                        .setStartCricStep(3)
                                                        .build())
                                        .optGroupSparsityBounds(0, 0.8)
                                        .build());
        assertTrue(cric.getMessage().contains("CRIC's vote selects without it"));
        // a MAC budget has no channel count: any floor and cap are taken (reach is checked
        // against the cost model, MacBudgetDriverTest)
        HessoSettings macs =
                HessoSettings.builder()
                        .setPruningSteps(10)
                        .optTargetMacs(0.3)
                        .optGroupSparsityBounds(0.6, 0.9)
                        .build();
        assertEquals(new GroupSparsityBounds(0.6, 0.9), macs.groupSparsityBounds());
    }

    @Test
    void boundsAreNamedInTheFingerprintAndAbsentMeansNone() {
        HessoSettings plain = HessoSettings.builder().setPruningSteps(10).build();
        HessoSettings bounded =
                HessoSettings.builder()
                        .setPruningSteps(10)
                        .optGroupSparsityBounds(0.25, 0.75)
                        .build();
        assertEquals(
                java.util.List.of(
                        "groupSparsity.cap: saved 1.0, now 0.75",
                        "groupSparsity.floor: saved 0.0, now 0.25"),
                plain.fingerprint().differences(bounded.fingerprint()));
        // a checkpoint written before the bounds existed names neither: it means no bounds
        java.util.SortedMap<String, String> older =
                new java.util.TreeMap<>(plain.fingerprint().entries());
        older.remove("groupSparsity.floor");
        older.remove("groupSparsity.cap");
        assertEquals(
                java.util.List.of(),
                new SettingsFingerprint(older).differences(plain.fingerprint()));
        assertEquals(bounded.groupSparsityBounds(), new GroupSparsityBounds(0.25, 0.75));
    }
}
