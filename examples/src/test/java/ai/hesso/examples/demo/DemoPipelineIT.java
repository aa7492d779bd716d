package ai.hesso.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.training.dataset.Dataset;
import ai.hesso.core.Phase;
import ai.hesso.examples.data.FashionMnist;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code hesso demo} pipeline on 4,000 real Fashion-MNIST images for 252 steps; skipped when
 * the Debian package's files are absent.
 */
class DemoPipelineIT {

    private static final Path DIR = Path.of(FashionMnist.DEFAULT_DIRECTORY);

    @Test
    void trainsPrunesExactlyTheTargetAndCountsTheCompactNetwork() throws Exception {
        assumeTrue(
                Files.exists(FashionMnist.imagesFile(DIR, Dataset.Usage.TRAIN))
                        && Files.exists(FashionMnist.imagesFile(DIR, Dataset.Usage.TEST)),
                "dataset-fashion-mnist is not installed");
        DemoSettings settings =
                new DemoSettings(DIR, 4, 64, 0.5, 0.05f, 42, 4000, 2000, false, null);
        // 63 steps per epoch, 252 in all: warm-up 25, then 5 periods over 58 steps
        assertEquals(new DemoSettings.Schedule(252, 25, 58, 5), settings.schedule());
        StringWriter progress = new StringWriter();
        DemoResult r = new DemoRun(settings, new PrintWriter(progress, true)).run();

        // well above chance (0.1): measured 0.8235 with this seed (dense SGD: 0.8470)
        assertTrue(r.hesso().testAccuracy() > 0.75, "test accuracy " + r.hesso().testAccuracy());

        // the five convolutions (16+16+32+32+64) are prunable, K = floor(160 * 0.5)
        assertEquals(160, r.prunableChannels());
        assertEquals(Phase.PRUNED, r.metrics().phase());
        assertEquals(160, r.metrics().prunableChannels());
        assertEquals(80, r.metrics().targetChannels());
        assertEquals(80, r.metrics().pruned());
        assertEquals(0.5, r.metrics().groupSparsity());
        // ... and the arrays agree: exactly 80 channels are all 0.0 in every member
        assertEquals(80, r.zeroChannels());

        // the compact count by hand: conv k_i x k_(i-1) x 3 x 3 + bias, BN gamma and beta, then
        // the head reads 3 x 3 positions of each kept channel of the last convolution
        List<ChannelCensus.GroupCensus> g = r.groups();
        assertEquals(5, g.size());
        long dense = 0;
        long compact = 0;
        int[] widths = {16, 16, 32, 32, 64};
        long inDense = 1;
        long inKept = 1;
        for (int i = 0; i < 5; i++) {
            assertEquals(widths[i], g.get(i).channels());
            long kept = widths[i] - g.get(i).zeroChannels();
            dense += widths[i] * inDense * 9 + 3L * widths[i];
            compact += kept * inKept * 9 + 3 * kept;
            inDense = widths[i];
            inKept = kept;
        }
        dense += 10 * inDense * 9 + 10;
        compact += 10 * inKept * 9 + 10;
        assertEquals(40_954, dense);
        assertEquals(dense, r.denseParameters());
        assertEquals(compact, r.compactParameters());
        assertTrue(r.compactParameters() < 0.5 * r.denseParameters(), "" + r.compactParameters());

        assertTrue(progress.toString().contains("HESSO epoch 4/4"), progress.toString());
    }
}
