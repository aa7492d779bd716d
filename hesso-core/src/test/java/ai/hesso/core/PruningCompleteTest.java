package ai.hesso.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.hesso.core.cric.CricSettings;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.reference.ReferenceEngine;
import ai.hesso.core.variant.VariantSettings;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * When the pruned set is final ({@link HessoDriver#pruningComplete()}) and with which step it will
 * be ({@link HessoDriver#pruningEnd()}), for HESSO's periods and CRIC's cycles, counted by hand.
 */
class PruningCompleteTest {

    private static final VariantSettings SGD = VariantSettings.sgd(0, 0, 0);

    /** Two groups, "a" of 2 and "b" of 8 channels: N = 10. */
    private static QuadraticToy toy() {
        return new QuadraticToy(0.5)
                .tensor("a", new int[] {2, 3}, 1, 0.5)
                .tensor("b", new int[] {8, 3}, 2, 0.5);
    }

    private static List<NodeGroup> groups() {
        return List.of(
                NodeGroup.prunable("a", 2, List.of(GroupMember.rows("a"))),
                NodeGroup.prunable("b", 8, List.of(GroupMember.rows("b"))));
    }

    /** Warm-up 6, three periods of Tp = 4: they start at 7, 11, 15 and end at 9, 13, 17. */
    private static HessoSettings periodic() {
        return HessoSettings.builder()
                .optTargetGroupSparsity(0.5)
                .optStartPruningStep(6)
                .setPruningSteps(12)
                .optPruningPeriods(3)
                .build();
    }

    /**
     * Reference at 3; 2 groups x 3 trial sparsities = 6 probes = 12 probe steps, 3..14; cycles of S
     * = 4 from p0 = 15, at most 3; a hybrid phase of H = 5 steps from the vote's step v, pruned
     * with step v + 4. The vote comes at a cycle boundary: 15 (first violating set within the
     * tolerance), 19, 23, or at the latest 15 + 3 * 4 = 27.
     */
    private static HessoSettings cric() {
        return HessoSettings.builder()
                .optTargetGroupSparsity(0.3)
                .optCric(
                        CricSettings.builder()
                                .setStartCricStep(3)
                                .optSamplingSteps(4)
                                .optMaxCycles(3)
                                .optHybridTrainingSteps(5)
                                .build())
                .build();
    }

    @Test
    void hessoIsCompleteWithTheStepThatEndsTheLastPeriod() {
        QuadraticToy toy = toy();
        HessoDriver driver = new HessoDriver(periodic(), groups());
        ReferenceEngine engine = new ReferenceEngine(driver, SGD, 0.01, toy.start);
        assertEquals(new PruningEnd(17, 17), driver.pruningEnd());
        assertFalse(driver.pruningComplete(), "before the first step");
        for (int k = 1; k <= 16; k++) {
            toy.run(engine, 1);
            assertFalse(driver.pruningComplete(), "after step " + k);
            assertEquals(new PruningEnd(17, 17), driver.pruningEnd(), "after step " + k);
        }
        StepPlan last = toy.run(engine, 1);
        assertTrue(driver.pruningComplete(), "after step 17");
        // the step that ends the last period projected: its phase is still PRUNING
        assertEquals(Phase.PRUNING, last.phase());
        assertEquals(Phase.PRUNING, driver.metrics().phase());
        // K = floor(10 * 0.5) = 5, all pruned, none left redundant
        assertEquals(5, driver.metrics().pruned());
        assertEquals(0, driver.metrics().redundant());
        toy.run(engine, 1);
        assertEquals(Phase.PRUNED, driver.metrics().phase());
        assertTrue(driver.pruningComplete());
    }

    @Test
    void cricNarrowsItsEndAsTheCyclesRunAndKnowsItExactlyFromTheVote() {
        QuadraticToy toy = toy();
        HessoDriver driver = new HessoDriver(cric(), groups());
        ReferenceEngine engine = new ReferenceEngine(driver, SGD, 0.01, toy.start);
        assertEquals(new PruningEnd(19, 31), driver.pruningEnd(), "before the first step");
        int vote = 0;
        for (int k = 1; k <= 40 && vote == 0; k++) {
            StepPlan plan = toy.run(engine, 1);
            if (plan.phase() == Phase.CRIC_HYBRID) {
                vote = k;
                break;
            }
            assertFalse(driver.pruningComplete(), "after step " + k);
            // before the cycles: the vote at 15 at the earliest; inside cycle c (started at
            // 15 + 4(c - 1)): at its end at the earliest; at 27 at the latest
            int earliestVote = k < 15 ? 15 : 15 + 4 * ((k - 15) / 4) + 4;
            assertEquals(
                    new PruningEnd(earliestVote + 4, 31), driver.pruningEnd(), "after step " + k);
            if (k == 16) {
                // inside cycle 1 (15..18); a driver restored from the state says the same
                HessoDriver restored = new HessoDriver(cric(), groups(), driver.state());
                assertEquals(new PruningEnd(23, 31), restored.pruningEnd());
                assertFalse(restored.pruningComplete());
            }
        }
        assertTrue(Set.of(15, 19, 23, 27).contains(vote), "the vote came at step " + vote);
        // here the three lowest-scoring channels stay the same through cycle 1, so its trial set
        // adds nothing new to the historical set and the cycles stop at its end
        assertEquals(19, vote);
        PruningEnd end = new PruningEnd(vote + 4, vote + 4);
        assertEquals(end, driver.pruningEnd());
        assertTrue(end.exact());
        for (int k = vote + 1; k <= vote + 3; k++) {
            toy.run(engine, 1);
            assertFalse(driver.pruningComplete(), "after step " + k);
            assertEquals(0, driver.metrics().pruned(), "after step " + k);
        }
        toy.run(engine, 1);
        assertTrue(driver.pruningComplete(), "after step " + (vote + 4));
        // K = floor(10 * 0.3) = 3
        assertEquals(3, driver.metrics().pruned());
        assertEquals(end, driver.pruningEnd());
        HessoDriver restored = new HessoDriver(cric(), groups(), driver.state());
        assertTrue(restored.pruningComplete());
        assertEquals(end, restored.pruningEnd());
    }

    @Test
    void aTargetThatPrunesNothingIsCompleteFromTheStart() {
        HessoDriver driver =
                new HessoDriver(
                        HessoSettings.builder()
                                .optTargetGroupSparsity(0)
                                .optStartPruningStep(6)
                                .setPruningSteps(12)
                                .optPruningPeriods(3)
                                .build(),
                        groups());
        assertTrue(driver.pruningComplete());
        assertEquals(new PruningEnd(0, 0), driver.pruningEnd());
    }

    @Test
    void pruningEndNamesItsStepsAndRefusesBadBounds() {
        assertEquals("at step 17", new PruningEnd(17, 17).toString());
        assertEquals("between step 23 and step 31", new PruningEnd(23, 31).toString());
        assertFalse(new PruningEnd(23, 31).exact());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new PruningEnd(31, 23));
        assertEquals("need 0 <= earliest <= latest, got earliest 31 and latest 23", e.getMessage());
    }
}
