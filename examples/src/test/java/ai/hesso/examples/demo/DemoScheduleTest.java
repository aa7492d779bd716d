package ai.hesso.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DemoScheduleTest {

    private static DemoSettings.Schedule schedule(int trainImages, int batchSize) {
        DemoSettings d = DemoSettings.defaults(Path.of("/tmp/fm"));
        return new DemoSettings(
                        d.dataDirectory(),
                        2,
                        batchSize,
                        0.5,
                        0.05f,
                        42,
                        trainImages,
                        100,
                        false,
                        d.saveDirectory(),
                        1,
                        null)
                .schedule();
    }

    @Test
    void fiftyImagesGiveTwoStepsAndANoteSayingWhatTheRunWillDo() {
        // 50 images at batch 128: 1 step per epoch, 2 in all; periods min(5, max(1, 0)) = 1,
        // warm-up round(0.2) = 0, pruning max(1, round(0.46)) = 1 step: pruned by step 1
        DemoSettings.Schedule s = schedule(50, 128);
        assertEquals(new DemoSettings.Schedule(2, 0, 1, 1), s);
        assertEquals(
                Optional.of(
                        "note: 2 steps is shorter than the 50 the demo's schedule is made for (a"
                                + " tenth of the steps to warm up, then 5 pruning periods): this"
                                + " run warms up for 0 steps and prunes the whole target in 1"
                                + " period(s) by step 1, so its accuracy says little about HESSO;"
                                + " use more images (--limit) or epochs"),
                s.shortRunNote());
    }

    @Test
    void fortyEightStepsGetFourPeriodsAndTheNote() {
        // 1536 images at batch 64: 24 steps per epoch, 48 in all: periods 4, warm-up 5, pruning 11
        DemoSettings.Schedule s = schedule(1536, 64);
        assertEquals(new DemoSettings.Schedule(48, 5, 11, 4), s);
        assertEquals(true, s.shortRunNote().orElseThrow().contains("in 4 period(s) by step 16"));
    }

    @Test
    void fiftyStepsHaveTheFullScheduleAndNoNote() {
        // 1600 images at batch 64: 25 steps per epoch, 50 in all: 5 periods, warm-up 5, pruning 12
        DemoSettings.Schedule s = schedule(1600, 64);
        assertEquals(new DemoSettings.Schedule(50, 5, 12, 5), s);
        assertEquals(Optional.empty(), s.shortRunNote());
    }
}
