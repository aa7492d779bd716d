package ai.hesso.examples.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX files of MNIST and Fashion-MNIST, gzip-compressed ({@code *.gz}) or plain.
 *
 * <p>An IDX file is a big-endian header followed by the values, row-major:
 *
 * <ul>
 *   <li>images: magic {@code 0x00000803} (unsigned bytes, 3 dimensions), then the number of images
 *       {@code N}, rows {@code R} and columns {@code C} as 32-bit integers, then {@code N*R*C}
 *       pixel bytes;
 *   <li>labels: magic {@code 0x00000801} (unsigned bytes, 1 dimension), then {@code N}, then {@code
 *       N} label bytes.
 * </ul>
 *
 * <p>Format errors (wrong magic, bad sizes, truncated or over-long data) are reported as {@link
 * IOException}s whose message names the file, what was found and what was expected.
 */
public final class IdxReader {

    /** The magic number of an IDX file of unsigned bytes with 3 dimensions (images). */
    public static final int IMAGES_MAGIC = 0x00000803;

    /** The magic number of an IDX file of unsigned bytes with 1 dimension (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    /**
     * Images read from an IDX file.
     *
     * @param count the number of images read
     * @param rows the rows of each image
     * @param columns the columns of each image
     * @param pixels {@code count*rows*columns} unsigned pixel bytes (read with {@code & 0xff}),
     *     row-major, image by image; the array is not copied
     */
    public record Images(int count, int rows, int columns, byte[] pixels) {

        /**
         * Returns one pixel as an unsigned value.
         *
         * @param image the image index, {@code 0 <= image < count}
         * @param row the row, {@code 0 <= row < rows}
         * @param column the column, {@code 0 <= column < columns}
         * @return the pixel value in {@code 0..255}
         */
        public int pixel(int image, int row, int column) {
            return pixels[(image * rows + row) * columns + column] & 0xff;
        }
    }

    /**
     * Reads all images of an IDX image file.
     *
     * @param file the file, gzip-compressed or plain
     * @return the images
     * @throws IOException if the file cannot be read or is not a well-formed IDX image file
     */
    public static Images readImages(Path file) throws IOException {
        return readImages(file, Integer.MAX_VALUE);
    }

    /**
     * Reads the first images of an IDX image file.
     *
     * @param file the file, gzip-compressed or plain
     * @param limit the most images to read, at least 1
     * @return the first {@code min(limit, N)} images
     * @throws IOException if the file cannot be read or is not a well-formed IDX image file
     * @throws IllegalArgumentException if {@code limit} is below 1
     */
    public static Images readImages(Path file, int limit) throws IOException {
        requireLimit(limit);
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            checkMagic(file, magic, IMAGES_MAGIC, "images (unsigned bytes, 3 dimensions)");
            int count = in.readInt();
            int rows = in.readInt();
            int columns = in.readInt();
            if (count < 0 || rows < 1 || columns < 1) {
                throw new IOException(
                        file
                                + ": bad IDX image header: "
                                + count
                                + " images of "
                                + rows
                                + "x"
                                + columns
                                + " (need >= 0 images of at least 1x1)");
            }
            int n = Math.min(count, limit);
            long bytes = (long) n * rows * columns;
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new IOException(
                        file
                                + ": "
                                + n
                                + " images of "
                                + rows
                                + "x"
                                + columns
                                + " do not fit in one array; read fewer (limit)");
            }
            byte[] pixels = readBody(in, file, (int) bytes, "images", count, n);
            return new Images(n, rows, columns, pixels);
        } catch (EOFException e) {
            throw new IOException(file + ": truncated IDX header", e);
        }
    }

    /**
     * Reads all labels of an IDX label file.
     *
     * @param file the file, gzip-compressed or plain
     * @return the labels, one unsigned byte each
     * @throws IOException if the file cannot be read or is not a well-formed IDX label file
     */
    public static byte[] readLabels(Path file) throws IOException {
        return readLabels(file, Integer.MAX_VALUE);
    }

    /**
     * Reads the first labels of an IDX label file.
     *
     * @param file the file, gzip-compressed or plain
     * @param limit the most labels to read, at least 1
     * @return the first {@code min(limit, N)} labels, one unsigned byte each
     * @throws IOException if the file cannot be read or is not a well-formed IDX label file
     * @throws IllegalArgumentException if {@code limit} is below 1
     */
    public static byte[] readLabels(Path file, int limit) throws IOException {
        requireLimit(limit);
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            checkMagic(file, magic, LABELS_MAGIC, "labels (unsigned bytes, 1 dimension)");
            int count = in.readInt();
            if (count < 0) {
                throw new IOException(file + ": bad IDX label header: " + count + " labels");
            }
            int n = Math.min(count, limit);
            return readBody(in, file, n, "labels", count, n);
        } catch (EOFException e) {
            throw new IOException(file + ": truncated IDX header", e);
        }
    }

    private static byte[] readBody(
            DataInputStream in, Path file, int bytes, String what, int count, int n)
            throws IOException {
        byte[] body = new byte[bytes];
        int read = in.readNBytes(body, 0, bytes);
        if (read < bytes) {
            throw new IOException(
                    String.format(
                            "%s: truncated: the header announces %d %s, reading %d needs %d bytes"
                                    + " of data but the file ends after %d",
                            file, count, what, n, bytes, read));
        }
        if (n == count && in.read() != -1) {
            throw new IOException(
                    file + ": more data after the " + count + " " + what + " the header announces");
        }
        return body;
    }

    private static void checkMagic(Path file, int magic, int expected, String what)
            throws IOException {
        if (magic != expected) {
            String hint = "";
            if (magic == IMAGES_MAGIC) {
                hint = " (that is an image file)";
            } else if (magic == LABELS_MAGIC) {
                hint = " (that is a label file)";
            }
            throw new IOException(
                    String.format(
                            "%s: bad IDX magic number 0x%08X%s, expected 0x%08X for %s",
                            file, magic, hint, expected, what));
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in =
                    b0 == 0x1f && b1 == 0x8b
                            ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16)
                            : raw;
            return new DataInputStream(in);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private static void requireLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
    }
}
