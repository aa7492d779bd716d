package ai.hesso.examples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Dataset;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** FashionMnist on the real Debian package data; skipped when the package is not installed. */
class FashionMnistIT {

    private static final Path DIR = Path.of(FashionMnist.DEFAULT_DIRECTORY);

    @ParameterizedTest
    @CsvSource({"TRAIN, 60000", "TEST, 10000"})
    void loadsTheWholeSplit(Dataset.Usage usage, int expectedSize) throws Exception {
        assumeTrue(
                Files.exists(FashionMnist.imagesFile(DIR, usage)),
                "dataset-fashion-mnist is not installed");
        try (NDManager manager = NDManager.newBaseManager();
                FashionMnist ds =
                        FashionMnist.builder()
                                .optUsage(usage)
                                .setSampling(256, false)
                                .optManager(manager)
                                .build()) {
            ds.prepare();
            assertEquals(expectedSize, ds.size());

            NDArray first = ds.get(manager, 0).getData().head();
            assertEquals(new Shape(1, 28, 28), first.getShape());

            NDArray labels = ds.getData(manager).iterator().next().getLabels().head();
            assertEquals(new Shape(256), labels.getShape());
            assertEquals(
                    firstLabelByte(FashionMnist.labelsFile(DIR, usage)),
                    ds.get(manager, 0).getLabels().head().getFloat());

            // Whole-split ranges, straight from the dataset's arrays.
            NDArray all = ds.getByRange(manager, 0, expectedSize).getLabels().head();
            assertEquals(0f, all.min().getFloat());
            assertEquals(9f, all.max().getFloat());
            // Balanced classes: 6000 (train) or 1000 (test) of each.
            assertEquals(
                    expectedSize / 10, all.eq(3).toType(DataType.INT32, false).sum().getLong());

            NDArray images = ds.getByRange(manager, 0, 1000).getData().head();
            assertEquals(0f, images.min().getFloat());
            assertEquals(1f, images.max().getFloat());
            float mean = images.mean().getFloat();
            assertTrue(mean > 0.2f && mean < 0.4f, "mean pixel " + mean);
        }
    }

    private static float firstLabelByte(Path labels) throws IOException {
        try (InputStream raw = Files.newInputStream(labels);
                DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            assertEquals(IdxReader.LABELS_MAGIC, in.readInt());
            in.readInt();
            return in.readUnsignedByte();
        }
    }
}
