package ai.hesso.examples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir Path dir;

    // Three 2x3 images; image 1 is all 255, image 2 counts 0..5 with 200 in the corner.
    private static final byte[] PIXELS = {
        0,
        1,
        2,
        3,
        4,
        5,
        (byte) 255,
        (byte) 255,
        (byte) 255,
        (byte) 255,
        (byte) 255,
        (byte) 255,
        0,
        1,
        2,
        3,
        4,
        (byte) 200
    };

    @Test
    void readsGzipImagesWithUnsignedPixels() throws IOException {
        Path file = IdxFiles.images(dir.resolve("img-idx3-ubyte.gz"), 3, 2, 3, PIXELS);
        IdxReader.Images images = IdxReader.readImages(file);
        assertEquals(3, images.count());
        assertEquals(2, images.rows());
        assertEquals(3, images.columns());
        assertArrayEquals(PIXELS, images.pixels());
        assertEquals(5, images.pixel(0, 1, 2));
        assertEquals(255, images.pixel(1, 0, 0));
        assertEquals(200, images.pixel(2, 1, 2));
    }

    @Test
    void readsPlainFilesAndHonoursTheLimit() throws IOException {
        Path file = IdxFiles.images(dir.resolve("img-idx3-ubyte"), 3, 2, 3, PIXELS);
        IdxReader.Images two = IdxReader.readImages(file, 2);
        assertEquals(2, two.count());
        assertEquals(12, two.pixels().length);
        assertEquals(255, two.pixel(1, 1, 2));
        assertEquals(3, IdxReader.readImages(file, 10).count());
    }

    @Test
    void readsLabels() throws IOException {
        Path file = IdxFiles.labels(dir.resolve("lab.gz"), new byte[] {9, 0, 3, 7});
        assertArrayEquals(new byte[] {9, 0, 3, 7}, IdxReader.readLabels(file));
        assertArrayEquals(new byte[] {9, 0}, IdxReader.readLabels(file, 2));
    }

    @Test
    void badMagicNamesFileFoundAndExpected() throws IOException {
        Path labels = IdxFiles.labels(dir.resolve("lab.gz"), new byte[] {1});
        IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(labels));
        assertEquals(
                labels
                        + ": bad IDX magic number 0x00000801 (that is a label file), expected"
                        + " 0x00000803 for images (unsigned bytes, 3 dimensions)",
                e.getMessage());

        Path junk = IdxFiles.write(dir.resolve("junk.gz"), 0x12345678, new int[] {1}, new byte[1]);
        e = assertThrows(IOException.class, () -> IdxReader.readLabels(junk));
        assertEquals(
                junk
                        + ": bad IDX magic number 0x12345678, expected 0x00000801 for labels"
                        + " (unsigned bytes, 1 dimension)",
                e.getMessage());
    }

    @Test
    void truncatedAndOverlongFilesAreRejected() throws IOException {
        Path shortFile = IdxFiles.images(dir.resolve("short.gz"), 3, 2, 3, new byte[10]);
        IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(shortFile));
        assertEquals(
                shortFile
                        + ": truncated: the header announces 3 images, reading 3 needs 18 bytes"
                        + " of data but the file ends after 10",
                e.getMessage());

        Path longFile = IdxFiles.labels(dir.resolve("long.gz"), new byte[] {1, 2});
        Path lying =
                IdxFiles.write(
                        dir.resolve("lying.gz"),
                        IdxReader.LABELS_MAGIC,
                        new int[] {1},
                        new byte[] {1, 2});
        assertEquals(2, IdxReader.readLabels(longFile).length);
        e = assertThrows(IOException.class, () -> IdxReader.readLabels(lying));
        assertEquals(lying + ": more data after the 1 labels the header announces", e.getMessage());

        Path header =
                IdxFiles.write(
                        dir.resolve("header.gz"),
                        IdxReader.IMAGES_MAGIC,
                        new int[] {1},
                        new byte[0]);
        e = assertThrows(IOException.class, () -> IdxReader.readImages(header));
        assertEquals(header + ": truncated IDX header", e.getMessage());
    }

    @Test
    void badSizesAndLimitsAreRejected() throws IOException {
        Path zeroRows = IdxFiles.images(dir.resolve("zero.gz"), 1, 0, 3, new byte[0]);
        IOException e = assertThrows(IOException.class, () -> IdxReader.readImages(zeroRows));
        assertEquals(
                zeroRows
                        + ": bad IDX image header: 1 images of 0x3 (need >= 0 images of at least"
                        + " 1x1)",
                e.getMessage());
        IllegalArgumentException bad =
                assertThrows(
                        IllegalArgumentException.class, () -> IdxReader.readLabels(zeroRows, 0));
        assertEquals("limit must be at least 1, got 0", bad.getMessage());
    }
}
