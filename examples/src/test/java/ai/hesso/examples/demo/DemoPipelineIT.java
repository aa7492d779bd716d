package ai.hesso.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.training.dataset.Dataset;
import ai.hesso.core.Phase;
import ai.hesso.examples.HessoCli;
import ai.hesso.examples.data.FashionMnist;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code hesso demo} pipeline on 4,000 real Fashion-MNIST images for 252 steps, then its
 * compaction, save and reload, and {@code hesso compact} on the saved model; skipped when the
 * Debian package's files are absent.
 */
class DemoPipelineIT {

    private static final Path DIR = Path.of(FashionMnist.DEFAULT_DIRECTORY);

    @Test
    void trainsPrunesCompactsSavesAndReloads(@TempDir Path save) throws Exception {
        assumeTrue(
                Files.exists(FashionMnist.imagesFile(DIR, Dataset.Usage.TRAIN))
                        && Files.exists(FashionMnist.imagesFile(DIR, Dataset.Usage.TEST)),
                "dataset-fashion-mnist is not installed");
        DemoSettings settings =
                new DemoSettings(DIR, 4, 64, 0.5, 0.05f, 42, 4000, 2000, false, save, 1, null);
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

        // the bar's last line (written as lines: the test's writer is not a terminal)
        assertTrue(
                progress.toString()
                        .lines()
                        .anyMatch(l -> l.startsWith("HESSO 100%") && l.contains("epoch 4/4")),
                progress.toString());

        // compaction removed HESSO's pruned set, which is exactly the set of zero channels
        CompactionSummary c = r.compaction();
        assertTrue(c.removedAreExactlyZero());
        assertEquals(80, c.removed().count());
        for (ChannelCensus.GroupCensus census : g) {
            assertEquals(census.zeroChannels(), c.removed().removed(census.name()).length);
        }
        // the report counts every scalar: the trainable ones plus BN running mean and variance
        assertEquals(dense + 2 * 160, c.report().before().parameters());
        assertEquals(compact + 2 * (160 - 80), c.report().after().parameters());
        assertTrue(c.report().after().macs() < c.report().before().macs());

        // the same function: same predictions on all 2000 test images, outputs within 1e-4
        assertEquals(2000, c.zeroed().images());
        assertEquals(r.hesso().testAccuracy(), c.zeroed().accuracy());
        assertEquals(c.zeroed().accuracy(), c.compact().accuracy());
        assertEquals(0, c.compactDifferingPredictions());
        assertTrue(c.compact().maxAbsDiff() <= 1e-4, "max |diff| " + c.compact().maxAbsDiff());

        // saved and reloaded into a new Model: the same predictions again
        assertTrue(Files.isRegularFile(save.resolve("dense").resolve("fashion-cnn-0000.params")));
        assertEquals(save.resolve("compact"), c.compactDirectory());
        assertTrue(Files.isRegularFile(c.compactDirectory().resolve("compact.json")));
        assertEquals(0, c.reloadedDifferingPredictions());
        assertEquals(c.compact().accuracy(), c.reloaded().accuracy());
        assertTrue(c.reloaded().maxAbsDiff() <= 1e-6, "max |diff| " + c.reloaded().maxAbsDiff());
        assertEquals(1, c.timing().denseMs().length);

        // hesso compact reads the saved zeroed model and finds the same 80 zero channels
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HessoCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        Path again = save.resolve("again");
        int code =
                cli.execute("compact", save.resolve("dense").toString(), "--out", again.toString());
        assertEquals(0, code, err.toString());
        assertTrue(
                out.toString().contains("80 of 160 prunable channels are exactly zero"),
                out.toString());
        assertTrue(
                out.toString()
                        .contains(
                                String.format(
                                        Locale.ROOT,
                                        "total parameters %,d -> %,d",
                                        dense + 2 * 160,
                                        compact + 2 * 80)),
                out.toString());
        assertTrue(Files.isRegularFile(again.resolve("compact.json")));
    }
}
