package ai.hesso.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.core.cric.CricSettings;
import ai.hesso.core.saliency.Criterion;
import ai.hesso.core.saliency.SaliencyMix;
import ai.hesso.core.variant.Variant;
import ai.hesso.core.variant.VariantSettings;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SettingsFingerprintTest {

    @Test
    void namesEveryPruningSettingWithItsValue() {
        HessoSettings settings =
                HessoSettings.builder()
                        .optTargetGroupSparsity(0.7)
                        .optStartPruningStep(5)
                        .setPruningSteps(40)
                        .optPruningPeriods(4)
                        .optGroupDivisible(2)
                        .optSaliency(SaliencyMix.taylorOnly())
                        .build();
        assertEquals(
                Map.of(
                        "target.groupSparsity",
                        "0.7",
                        "schedule.startPruningStep",
                        "5",
                        "schedule.pruningSteps",
                        "40",
                        "schedule.pruningPeriods",
                        "4",
                        "groupDivisible",
                        "2",
                        "allocation",
                        "GLOBAL",
                        "groupSparsity.floor",
                        "0.0",
                        "groupSparsity.cap",
                        "1.0",
                        "saliency." + Criterion.TAYLOR_FIRST_ORDER.key(),
                        "1.0"),
                settings.fingerprint().entries());
    }

    @Test
    void aMacBudgetAndCricAreNamedToo() {
        HessoSettings settings =
                HessoSettings.builder()
                        .optTargetMacs(0.3)
                        .optSaliency(SaliencyMix.taylorOnly())
                        .optCric(
                                CricSettings.builder()
                                        .setStartCricStep(3)
                                        .optTrialSparsities(0.5, 0.75)
                                        .build())
                        .build();
        Map<String, String> entries = settings.fingerprint().entries();
        assertEquals("0.0", entries.get("target.groupSparsity"));
        assertEquals("0.3", entries.get("target.macs"));
        assertEquals("3", entries.get("cric.startCricStep"));
        assertEquals("[0.5, 0.75]", entries.get("cric.trialSparsities"));
        assertTrue(
                entries.keySet().stream().noneMatch(k -> k.startsWith("schedule.")),
                entries.toString());
    }

    @Test
    void variantSettingsAreNamedExactly() {
        SettingsFingerprint f = VariantSettings.adam(Variant.ADAMW, 0.8, 0.99, 1e-4).fingerprint();
        assertEquals("ADAMW", f.entries().get("variant.kind"));
        assertEquals("0.8", f.entries().get("variant.beta1"));
        assertEquals("1.0E-4", f.entries().get("variant.weightDecay"));
        assertEquals("1.0E-8", f.entries().get("variant.epsilon"));
    }

    @Test
    void differencesNameEachSettingSavedValueFirst() {
        SettingsFingerprint saved =
                SettingsFingerprint.builder().add("a", 1).add("b", 0.5).add("gone", "x").build();
        SettingsFingerprint now =
                SettingsFingerprint.builder().add("a", 1).add("b", 0.25).add("new", "y").build();
        assertEquals(
                List.of(
                        "b: saved 0.5, now 0.25",
                        "gone: saved x, now (not set)",
                        "new: saved (not set), now y"),
                saved.differences(now));
        assertTrue(saved.differences(saved).isEmpty());
    }

    @Test
    void aSettingAddedLaterResumesOldRunsAtTheValueTheyImplied() {
        SettingsFingerprint saved = SettingsFingerprint.builder().add("a", 1).build();
        SettingsFingerprint atImplied =
                SettingsFingerprint.builder().add("a", 1).add("added", "off").build();
        SettingsFingerprint changed =
                SettingsFingerprint.builder().add("a", 1).add("added", "on").build();
        Map<String, String> absentMeans = Map.of("added", "off");
        assertTrue(saved.differences(atImplied, absentMeans).isEmpty());
        assertEquals(List.of("added: saved off, now on"), saved.differences(changed, absentMeans));
        // without the documented meaning, a setting one side lacks is a difference
        assertEquals(1, saved.differences(atImplied).size());
    }

    @Test
    void runsSavedBeforeTheAllocationExistedResumeWithTheGlobalOne() {
        SettingsFingerprint global =
                HessoSettings.builder().setPruningSteps(10).build().fingerprint();
        TreeMap<String, String> older = new TreeMap<>(global.entries());
        older.remove("allocation");
        SettingsFingerprint saved = new SettingsFingerprint(older);
        assertTrue(saved.differences(global).isEmpty());
        SettingsFingerprint perGroup =
                HessoSettings.builder()
                        .setPruningSteps(10)
                        .optAllocation(Allocation.PER_GROUP)
                        .build()
                        .fingerprint();
        assertEquals(
                List.of("allocation: saved GLOBAL, now PER_GROUP"), saved.differences(perGroup));
    }

    @Test
    void perGroupAllocationTakesAMacBudgetButNotCricNorGroupDivisible() {
        HessoSettings macs =
                HessoSettings.builder()
                        .optTargetMacs(0.3)
                        .setPruningSteps(10)
                        .optAllocation(Allocation.PER_GROUP)
                        .build();
        assertEquals(Allocation.PER_GROUP, macs.allocation());
        IllegalArgumentException divisible =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                HessoSettings.builder()
                                        .optTargetMacs(0.3)
                                        .setPruningSteps(10)
                                        .optGroupDivisible(4)
                                        .optAllocation(Allocation.PER_GROUP)
                                        .build());
        assertTrue(
                divisible.getMessage().contains("groupDivisible 4 would give channels back"),
                divisible.getMessage());
        IllegalArgumentException cric =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                HessoSettings.builder()
                                        .optCric(CricSettings.builder().setStartCricStep(3).build())
                                        .optAllocation(Allocation.PER_GROUP)
                                        .build());
        assertTrue(cric.getMessage().contains("CRIC"), cric.getMessage());
    }

    @Test
    void entriesAreCopiedSortedAndKeysUnique() {
        TreeMap<String, String> source = new TreeMap<>(Map.of("z", "1", "a", "2"));
        SettingsFingerprint f = new SettingsFingerprint(source);
        source.put("m", "3");
        assertEquals(List.of("a", "z"), List.copyOf(f.entries().keySet()));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> SettingsFingerprint.builder().add("k", 1).add("k", 2));
        assertTrue(e.getMessage().contains("'k'"), e.getMessage());
    }
}
