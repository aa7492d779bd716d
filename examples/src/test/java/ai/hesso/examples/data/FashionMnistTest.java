package ai.hesso.examples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.Record;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FashionMnist on tiny IDX files written by the test, so every value is known. */
class FashionMnistTest {

    private static final int PIXELS = 28 * 28;

    @TempDir Path dir;

    @BeforeEach
    void writeThreeTestImages() throws IOException {
        byte[] pixels = new byte[3 * PIXELS];
        pixels[0] = (byte) 255; // image 0, (0, 0)
        pixels[PIXELS + 28 + 1] = 51; // image 1, (1, 1) -> 0.2
        pixels[2 * PIXELS + PIXELS - 1] = (byte) 128; // image 2, (27, 27)
        IdxFiles.images(dir.resolve("t10k-images-idx3-ubyte.gz"), 3, 28, 28, pixels);
        IdxFiles.labels(dir.resolve("t10k-labels-idx1-ubyte.gz"), new byte[] {9, 0, 4});
    }

    private FashionMnist.Builder test() {
        return FashionMnist.builder().optDirectory(dir).optUsage(Dataset.Usage.TEST);
    }

    @Test
    void recordsAreNormalisedImagesAndFloatClassIndices() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                FashionMnist ds = test().setSampling(2, false).optManager(manager).build()) {
            ds.prepare();
            assertEquals(3, ds.size());
            Record r1 = ds.get(manager, 1);
            NDArray image = r1.getData().singletonOrThrow();
            assertEquals(new Shape(1, 28, 28), image.getShape());
            assertEquals(DataType.FLOAT32, image.getDataType());
            assertEquals(0.2f, image.getFloat(0, 1, 1), 1e-7f);
            assertEquals(0.2f, image.sum().getFloat(), 1e-7f);
            assertEquals(0f, r1.getLabels().singletonOrThrow().getFloat());
            assertEquals(1f, ds.get(manager, 0).getData().singletonOrThrow().getFloat(0, 0, 0));
            assertEquals(128 / 255f, ds.get(manager, 2).getData().head().getFloat(0, 27, 27));

            Batch first = ds.getData(manager).iterator().next();
            assertEquals(new Shape(2, 1, 28, 28), first.getData().head().getShape());
            assertArrayEquals(new float[] {9, 0}, first.getLabels().head().toFloatArray());
            first.close();
        }
    }

    @Test
    void limitTakesTheFirstImages() throws Exception {
        try (FashionMnist ds = test().setSampling(1, false).optLimit(2).build()) {
            ds.prepare();
            assertEquals(2, ds.size());
            try (NDManager manager = NDManager.newBaseManager()) {
                assertEquals(9f, ds.get(manager, 0).getLabels().head().getFloat());
            }
        }
    }

    @Test
    void missingFileIsOneLineNamingItAndTheFix() {
        Path empty = dir.resolve("nowhere");
        MissingDataException e =
                assertThrows(
                        MissingDataException.class,
                        () ->
                                FashionMnist.builder()
                                        .optDirectory(empty)
                                        .setSampling(1, false)
                                        .build());
        assertEquals(
                "Fashion-MNIST file not found: "
                        + empty.resolve("train-images-idx3-ubyte.gz")
                        + "; install it with: apt-get install dataset-fashion-mnist (or pass --data"
                        + " DIR)",
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void badSettingsAreRejected() {
        IllegalArgumentException usage =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                test().optUsage(Dataset.Usage.VALIDATION)
                                        .setSampling(1, false)
                                        .build());
        assertEquals(
                "usage VALIDATION is not available for Fashion-MNIST; valid: TRAIN, TEST",
                usage.getMessage());
        IllegalArgumentException sampling =
                assertThrows(IllegalArgumentException.class, () -> test().build());
        assertEquals(
                "the sampling must be set: call setSampling(batchSize, shuffle)",
                sampling.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> test().setSampling(1, false).optLimit(0).build());
    }

    @Test
    void sizeBeforePrepareSaysWhatToDo() {
        try (FashionMnist ds = test().setSampling(1, false).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, ds::size);
            assertEquals(
                    "Fashion-MNIST is not loaded: call prepare() before size() or get()",
                    e.getMessage());
        }
    }
}
