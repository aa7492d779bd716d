package ai.hesso.examples.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zoo sweep on its small models, every stage: a residual CNN, a U-Net (concatenation), a
 * transformer (attention heads) and DJL's MobileNetV2 pass discover, train, compact, compare, save,
 * load and resume; DJL's LeNet (sigmoid activations) is refused at discovery with the reason.
 */
class ZooSweepIT {

    @TempDir Path dir;

    @Test
    void smallModelsPassEveryStageAndLeNetIsRefusedWithTheReason() {
        ZooSweep sweep = new ZooSweep(dir, true, null);
        for (ZooModel model : ZooModels.select(List.of("residual", "unet", "transformer"))) {
            ModelResult result = sweep.run(model);
            assertEquals(ZooStage.values().length, result.stages().size(), result.toString());
            for (StageResult stage : result.stages()) {
                assertEquals(Outcome.PASS, stage.outcome(), model.name() + " " + stage);
            }
        }
        ModelResult lenet = sweep.run(ZooModels.select(List.of("lenet")).get(0));
        StageResult discover = lenet.stages().get(0);
        assertEquals(Outcome.REFUSED, discover.outcome(), discover.toString());
        assertTrue(
                discover.detail()
                        .contains(
                                "lambda 02LambdaBlock maps a zero channel to a non-zero one (like"
                                        + " sigmoid)"),
                discover.detail());
        assertTrue(
                lenet.stages().stream().skip(1).allMatch(s -> s.outcome() == Outcome.SKIPPED),
                lenet.toString());
        assertEquals(0, ZooTable.exitCode(List.of(lenet)));
    }
}
