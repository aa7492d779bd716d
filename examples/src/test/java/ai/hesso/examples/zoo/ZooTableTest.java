package ai.hesso.examples.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sweep's table and exit status, on made-up results (no engine). */
class ZooTableTest {

    private static ModelResult model(String name, Outcome... outcomes) {
        List<StageResult> stages = new ArrayList<>();
        for (int i = 0; i < outcomes.length; i++) {
            stages.add(new StageResult(ZooStage.values()[i], outcomes[i], "why " + i + "\n  more"));
        }
        return new ModelResult(name, stages, 1.5);
    }

    private static ModelResult allPass(String name) {
        Outcome[] pass = new Outcome[ZooStage.values().length];
        java.util.Arrays.fill(pass, Outcome.PASS);
        return model(name, pass);
    }

    @Test
    void refusalsAndSkipsExitZeroAFailureExitsOne() {
        ModelResult refused =
                model(
                        "lenet",
                        Outcome.REFUSED,
                        Outcome.SKIPPED,
                        Outcome.SKIPPED,
                        Outcome.SKIPPED,
                        Outcome.SKIPPED,
                        Outcome.SKIPPED,
                        Outcome.SKIPPED);
        ModelResult compactRefused =
                model(
                        "net",
                        Outcome.PASS,
                        Outcome.PASS,
                        Outcome.REFUSED,
                        Outcome.SKIPPED,
                        Outcome.SKIPPED,
                        Outcome.SKIPPED,
                        Outcome.PASS);
        assertEquals(0, ZooTable.exitCode(List.of(allPass("a"), refused, compactRefused)));
        ModelResult wrong = model("b", Outcome.PASS, Outcome.PASS, Outcome.PASS, Outcome.FAILED);
        assertEquals(1, ZooTable.exitCode(List.of(allPass("a"), refused, wrong)));
        assertEquals(1, ZooTable.exitCode(List.of(wrong)));
        assertEquals(0, ZooTable.exitCode(List.of()));
    }

    @Test
    void printsOneRowPerModelPerStageThenTheTimeAndASummary() {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        ModelResult wrong = model("b", Outcome.PASS, Outcome.FAILED, Outcome.SKIPPED);
        ZooTable.printHeader(out);
        ZooTable.printModel(out, wrong);
        ZooTable.printSummary(out, List.of(allPass("a"), wrong), 12.4);
        String n = System.lineSeparator();
        assertEquals(
                "model         stage     result   detail"
                        + n
                        + "b             discover  pass     why 0 more"
                        + n
                        + "b             train     FAILED   why 1 more"
                        + n
                        + "b             compact   skipped  why 2 more"
                        + n
                        + "b             time               1.5 s"
                        + n
                        + "2 models in 12 s: 1 passed every stage, 1 failed; stages: 8 pass,"
                        + " 0 refused, 1 skipped, 1 FAILED"
                        + n,
                text.toString());
    }
}
