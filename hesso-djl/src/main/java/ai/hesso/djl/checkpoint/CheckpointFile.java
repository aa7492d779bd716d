package ai.hesso.djl.checkpoint;

import ai.hesso.djl.engine.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The binary layout of a checkpoint file (big-endian, as {@link DataOutputStream} writes):
 *
 * <pre>
 * 8 bytes   magic "HESSOCKP"
 * int32     format version (1)
 * int32     J, then J bytes: the JSON document, UTF-8
 * int32     T, then T times: int32 L and L bytes, one tensor in DJL's NDArray encoding
 * 32 bytes  SHA-256 of every byte before it
 * </pre>
 *
 * <p>Writes go to a temporary file in the target's directory, are forced to the disk, and are then
 * renamed over the target in one atomic step. Reads check the magic, then the checksum over the
 * whole file, then the version, so a truncated or corrupted file is reported as such, naming it.
 */
final class CheckpointFile {

    static final byte[] MAGIC = "HESSOCKP".getBytes(StandardCharsets.US_ASCII);
    static final int DIGEST_BYTES = 32;
    private static final int HEADER_BYTES = MAGIC.length + 4;

    private CheckpointFile() {}

    /**
     * What a file holds between the header and the checksum.
     *
     * @param version the format version
     * @param json the JSON document
     * @param tensors the encoded tensors, in the order the JSON numbers them
     */
    record Contents(int version, String json, List<byte[]> tensors) {}

    /** Writes a file atomically. */
    static void write(Path file, Contents contents) throws IOException {
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        Files.createDirectories(directory);
        Path temp = Files.createTempFile(directory, "." + target.getFileName() + "-", ".tmp");
        try {
            try (FileChannel channel =
                    FileChannel.open(
                            temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream raw = Channels.newOutputStream(channel);
                MessageDigest digest = sha256();
                DataOutputStream out =
                        new DataOutputStream(
                                new DigestOutputStream(new BufferedOutputStream(raw), digest));
                out.write(MAGIC);
                out.writeInt(contents.version());
                byte[] json = contents.json().getBytes(StandardCharsets.UTF_8);
                out.writeInt(json.length);
                out.write(json);
                out.writeInt(contents.tensors().size());
                for (byte[] tensor : contents.tensors()) {
                    out.writeInt(tensor.length);
                    out.write(tensor);
                }
                out.flush();
                // the digest is not part of what it digests
                raw.write(digest.digest());
                raw.flush();
                channel.force(true);
            }
            AtomicFiles.replace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Reads and verifies a file. */
    static Contents read(Path file) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no HESSO checkpoint there");
        }
        if (size < HEADER_BYTES + 8 + DIGEST_BYTES) {
            throw corrupt(
                    file, "it has " + size + " bytes, fewer than any checkpoint (truncated?)");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw corrupt(file, "it does not start with \"HESSOCKP\"; not a HESSO checkpoint");
            }
        }
        verifyDigest(file, size);
        try (DataInputStream in =
                new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            in.skipNBytes(MAGIC.length);
            int version = in.readInt();
            if (version != HessoCheckpoint.FORMAT_VERSION) {
                throw new IOException(
                        "checkpoint "
                                + file
                                + " has format version "
                                + version
                                + "; this library reads version "
                                + HessoCheckpoint.FORMAT_VERSION);
            }
            long left = size - DIGEST_BYTES - HEADER_BYTES;
            byte[] json = readBlock(in, file, left, "the JSON document");
            left -= 4 + json.length;
            int count = in.readInt();
            left -= 4;
            if (count < 0) {
                throw corrupt(file, "it declares " + count + " tensors");
            }
            List<byte[]> tensors = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] tensor = readBlock(in, file, left, "tensor " + i);
                left -= 4 + tensor.length;
                tensors.add(tensor);
            }
            if (left != 0) {
                throw corrupt(file, left + " bytes before the checksum belong to nothing");
            }
            return new Contents(version, new String(json, StandardCharsets.UTF_8), tensors);
        } catch (EOFException e) {
            throw corrupt(file, "it ends early");
        }
    }

    private static byte[] readBlock(DataInputStream in, Path file, long left, String what)
            throws IOException {
        int length = in.readInt();
        if (length < 0 || length > left - 4) {
            throw corrupt(file, what + " claims " + length + " bytes, " + (left - 4) + " are left");
        }
        return in.readNBytes(length);
    }

    private static void verifyDigest(Path file, long size) throws IOException {
        MessageDigest digest = sha256();
        byte[] stored;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            byte[] buffer = new byte[1 << 16];
            long left = size - DIGEST_BYTES;
            while (left > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (read < 0) {
                    throw corrupt(file, "it ends early");
                }
                digest.update(buffer, 0, read);
                left -= read;
            }
            stored = in.readNBytes(DIGEST_BYTES);
        }
        byte[] computed = digest.digest();
        if (!MessageDigest.isEqual(stored, computed)) {
            throw corrupt(
                    file,
                    "its SHA-256 checksum does not match (stored "
                            + HexFormat.of().formatHex(stored)
                            + ", computed "
                            + HexFormat.of().formatHex(computed)
                            + "): the file is truncated or corrupted; resume from an earlier"
                            + " checkpoint");
        }
    }

    private static IOException corrupt(Path file, String why) {
        return new IOException("checkpoint " + file + " cannot be read: " + why);
    }

    /**
     * Returns the SHA-256 of a file's bytes, in lower-case hex.
     *
     * @param file the file
     * @return the checksum
     * @throws IOException if the file cannot be read
     */
    static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
