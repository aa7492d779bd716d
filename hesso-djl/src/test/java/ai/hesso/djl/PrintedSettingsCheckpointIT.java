package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.tracker.Tracker;
import ai.hesso.djl.checkpoint.HessoCheckpoints;
import ai.hesso.fixtures.TinyModels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint written before settings were named values still resumes. The fixture in {@code
 * checkpoints/printed-settings} was written by the last version that stored printed settings
 * (commit e193b67): {@link ResumeFit}'s run (HESSO-Adam with CRIC, 40 steps) stopped after epoch 2,
 * and the parameters that version reached by resuming it to epoch 4 ({@code expected-end.bin}).
 */
class PrintedSettingsCheckpointIT {

    private static final String FIXTURE = "/checkpoints/printed-settings/";

    @TempDir Path dir;

    private void copyFixture() throws IOException {
        for (String file : new String[] {"mlp-0002.hesso", "mlp-0002.params"}) {
            try (InputStream in = getClass().getResourceAsStream(FIXTURE + file)) {
                Files.copy(in, dir.resolve(file));
            }
        }
    }

    @Test
    void resumesAndEndsWhereTheVersionThatWroteItEnded() throws Exception {
        copyFixture();
        // fit checks the run ends PRUNED with its 8 pruned channels exactly zero
        Map<String, byte[]> end = ResumeFit.fit(dir, 4, 4);
        Path expectedFile = dir.resolve("expected-end.bin");
        try (InputStream in = getClass().getResourceAsStream(FIXTURE + "expected-end.bin")) {
            Files.copy(in, expectedFile);
        }
        Map<String, byte[]> expected = ResumeFit.read(expectedFile);
        assertEquals(expected.keySet(), end.keySet());
        // bit for bit on the CPU that wrote the fixture; float kernels of another CPU may differ
        // in the last bits, so the check is a tolerance far below what a wrong state would give
        double worst = 0;
        for (String name : expected.keySet()) {
            float[] want = floats(expected.get(name));
            float[] got = floats(end.get(name));
            assertEquals(want.length, got.length, name);
            for (int i = 0; i < want.length; i++) {
                worst = Math.max(worst, Math.abs(want[i] - got[i]));
            }
        }
        assertTrue(worst <= 1e-5, "max abs difference " + worst);
    }

    @Test
    void otherSettingsAreRefusedSettingBySetting() throws Exception {
        copyFixture();
        try (NDManager manager = NDManager.newBaseManager();
                Model model = Model.newInstance("mlp")) {
            model.setBlock(TinyModels.mlp(6, 16, 3));
            HessoOptimizer other =
                    Hesso.adam()
                            .optBeta1(0.8)
                            .optWeightDecay(1e-3)
                            .setLearningRateTracker(Tracker.fixed(0.05f))
                            .setBlock(model.getBlock())
                            .optTotalSteps(40)
                            .setPruning(Scenario.cric())
                            .build();
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> HessoCheckpoints.resume(model, other, dir));
            assertTrue(
                    e.getMessage().contains("variant.beta1: saved 0.9, now 0.8"), e.getMessage());
            assertTrue(!e.getMessage().contains("variant.weightDecay"), e.getMessage());
        }
    }

    private static float[] floats(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        float[] out = new float[bytes.length / 4];
        buffer.asFloatBuffer().get(out);
        return out;
    }
}
