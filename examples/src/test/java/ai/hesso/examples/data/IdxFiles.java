package ai.hesso.examples.data;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files with known content for the tests. */
final class IdxFiles {

    private IdxFiles() {}

    static Path write(Path file, int magic, int[] dims, byte[] body) throws IOException {
        OutputStream raw = Files.newOutputStream(file);
        if (file.toString().endsWith(".gz")) {
            raw = new GZIPOutputStream(raw);
        }
        try (DataOutputStream out = new DataOutputStream(raw)) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(body);
        }
        return file;
    }

    static Path images(Path file, int count, int rows, int columns, byte[] pixels)
            throws IOException {
        return write(file, IdxReader.IMAGES_MAGIC, new int[] {count, rows, columns}, pixels);
    }

    static Path labels(Path file, byte[] labels) throws IOException {
        return write(file, IdxReader.LABELS_MAGIC, new int[] {labels.length}, labels);
    }
}
