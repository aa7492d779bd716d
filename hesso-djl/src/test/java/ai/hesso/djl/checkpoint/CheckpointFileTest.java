package ai.hesso.djl.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.hesso.core.ChannelState;
import ai.hesso.core.DriverState;
import ai.hesso.core.Phase;
import ai.hesso.core.SettingsFingerprint;
import ai.hesso.core.group.ChannelAxis;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.identification.CricProgress;
import ai.hesso.core.identification.IdentificationState;
import ai.hesso.core.identification.PeriodicProgress;
import ai.hesso.core.saliency.ChannelStatistics;
import ai.hesso.djl.engine.EngineState;
import ai.hesso.djl.engine.SavedArray;
import ai.hesso.djl.engine.TensorSlot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint file on its own (no engine needed: the tensors are opaque bytes here): what is
 * written reads back equal, writes are atomic, and a damaged file is refused naming the file while
 * the previous one still loads.
 */
class CheckpointFileTest {

    @TempDir Path dir;

    private static final List<NodeGroup> GROUPS =
            List.of(
                    NodeGroup.prunable(
                            "fc1",
                            3,
                            List.of(GroupMember.rows("01Linear_weight"), GroupMember.rows("b"))),
                    // three heads of 4 rows each: the member only fits with rowsPerChannel=4
                    NodeGroup.prunable(
                            "heads",
                            3,
                            List.of(
                                    GroupMember.rowBlocks("q", 4),
                                    new GroupMember("o", ChannelAxis.SECOND, 4))),
                    NodeGroup.unprunable(
                            "head", 2, List.of(GroupMember.rows("h")), "feeds the loss"));

    private static SavedArray array(int seed) {
        byte[] bytes = new byte[24];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (seed * 31 + i);
        }
        return new SavedArray(new Shape(2, 3), DataType.FLOAT32, bytes);
    }

    /** A CRIC run in its cycles, with a NaN in the statistics to check special values. */
    static HessoCheckpoint cricCheckpoint(int step) {
        CricProgress progress =
                new CricProgress(
                        Phase.CRIC_CYCLE,
                        0.6931471805599453,
                        new double[] {0.1, 1e-300, 3},
                        new double[] {2.5},
                        new int[] {3},
                        new double[] {0.30000000000000004, 2, 3},
                        4,
                        new boolean[] {true, false, false},
                        new boolean[] {false, true, false},
                        1,
                        17,
                        false,
                        0);
        IdentificationState identification =
                new IdentificationState(
                        List.of(
                                ChannelState.REDUNDANT,
                                ChannelState.IMPORTANT,
                                ChannelState.PRUNED),
                        7,
                        1,
                        new ChannelStatistics(
                                new double[] {1, 2, Double.NaN},
                                new double[] {4, 5, 6},
                                new double[] {-1, 0, 1},
                                new double[] {7, 7, 7}),
                        progress);
        TensorSlot weight = new TensorSlot("01Linear_weight", Device.cpu());
        EngineState engine =
                new EngineState(
                        List.of(
                                new EngineState.Direction(weight, 12, array(1), array(2)),
                                new EngineState.Direction(
                                        new TensorSlot("b", Device.of("gpu", 1)), 0, null, null)),
                        List.of(new EngineState.Snapshot(weight, array(3))));
        return new HessoCheckpoint(
                3,
                settings("ADAM", 1f, -1f),
                GROUPS,
                new DriverState(step, identification),
                2,
                1,
                engine,
                new HessoCheckpoint.ModelFile("m-0003.params", "ab12"),
                null);
    }

    static HessoCheckpoint periodicCheckpoint(int step) {
        IdentificationState identification =
                new IdentificationState(
                        List.of(
                                ChannelState.IMPORTANT,
                                ChannelState.IMPORTANT,
                                ChannelState.PRUNED),
                        2,
                        1,
                        null,
                        new PeriodicProgress(Phase.PRUNED, 1));
        return new HessoCheckpoint(
                0,
                settings("SGD", 0.5f, 2f),
                GROUPS,
                new DriverState(step, identification),
                0,
                0,
                new EngineState(List.of(), List.of()),
                null,
                null);
    }

    @Test
    void whatIsWrittenReadsBackEqual() throws IOException {
        for (HessoCheckpoint written : List.of(cricCheckpoint(20), periodicCheckpoint(9))) {
            Path file = dir.resolve("run.hesso");
            written.write(file);
            HessoCheckpoint read = HessoCheckpoint.read(file);
            assertEquals(file, read.source());
            assertEquals(written.epoch(), read.epoch());
            assertEquals(written.settings(), read.settings());
            assertEquals(written.nodeGroups(), read.nodeGroups());
            assertEquals(written.driver(), read.driver());
            assertEquals(written.skippedSteps(), read.skippedSteps());
            assertEquals(written.consecutiveSkips(), read.consecutiveSkips());
            assertEquals(written.modelParameters(), read.modelParameters());
            assertEquals(written.engine().directions().size(), read.engine().directions().size());
            for (int i = 0; i < written.engine().directions().size(); i++) {
                EngineState.Direction a = written.engine().directions().get(i);
                EngineState.Direction b = read.engine().directions().get(i);
                assertEquals(a.slot(), b.slot());
                assertEquals(a.updates(), b.updates());
                assertSame(a.first(), b.first());
                assertSame(a.second(), b.second());
            }
            for (int i = 0; i < written.engine().snapshots().size(); i++) {
                assertEquals(
                        written.engine().snapshots().get(i).slot(),
                        read.engine().snapshots().get(i).slot());
                assertSame(
                        written.engine().snapshots().get(i).values(),
                        read.engine().snapshots().get(i).values());
            }
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
            }
        }
    }

    private static void assertSame(SavedArray a, SavedArray b) {
        if (a == null) {
            assertNull(b);
            return;
        }
        assertEquals(a.shape(), b.shape());
        assertEquals(a.dataType(), b.dataType());
        assertArrayEquals(a.encoded(), b.encoded());
    }

    @Test
    void aTruncatedFileIsRefusedNamingItAndThePreviousOneStillLoads() throws IOException {
        Path previous = dir.resolve("m-0001.hesso");
        Path latest = dir.resolve("m-0002.hesso");
        cricCheckpoint(10).write(previous);
        cricCheckpoint(20).write(latest);
        byte[] whole = Files.readAllBytes(latest);
        for (int length :
                new int[] {0, 5, 12, 100, whole.length / 2, whole.length - 33, whole.length - 1}) {
            Files.write(latest, Arrays.copyOf(whole, length));
            IOException e = assertThrows(IOException.class, () -> HessoCheckpoint.read(latest));
            assertTrue(
                    e.getMessage().startsWith("checkpoint " + latest + " cannot be read: "),
                    length + " bytes: " + e.getMessage());
            assertEquals(10, HessoCheckpoint.read(previous).step());
        }
        Files.write(latest, whole);
        assertEquals(20, HessoCheckpoint.read(latest).step());
    }

    @Test
    void aFlippedByteAnywhereIsRefused() throws IOException {
        Path file = dir.resolve("m-0002.hesso");
        cricCheckpoint(20).write(file);
        byte[] whole = Files.readAllBytes(file);
        for (int position :
                new int[] {9, 40, whole.length / 2, whole.length - 40, whole.length - 1}) {
            byte[] flipped = whole.clone();
            flipped[position] ^= 0x10;
            Files.write(file, flipped);
            IOException e = assertThrows(IOException.class, () -> HessoCheckpoint.read(file));
            assertTrue(
                    e.getMessage()
                            .startsWith(
                                    "checkpoint "
                                            + file
                                            + " cannot be read: its SHA-256 checksum does not"
                                            + " match"),
                    "byte " + position + ": " + e.getMessage());
        }
        byte[] magic = whole.clone();
        magic[0] = 'X';
        Files.write(file, magic);
        assertEquals(
                "checkpoint "
                        + file
                        + " cannot be read: it does not start with \"HESSOCKP\"; not a HESSO"
                        + " checkpoint",
                assertThrows(IOException.class, () -> HessoCheckpoint.read(file)).getMessage());
    }

    @Test
    void anotherFormatVersionIsNamed() throws Exception {
        // the documented layout, written by hand with version 2 and a valid checksum
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("HESSOCKP".getBytes(StandardCharsets.US_ASCII));
        out.writeInt(2);
        byte[] json = "{\"formatVersion\": 2}".getBytes(StandardCharsets.UTF_8);
        out.writeInt(json.length);
        out.write(json);
        out.writeInt(0);
        out.flush();
        byte[] body = bytes.toByteArray();
        out.write(MessageDigest.getInstance("SHA-256").digest(body));
        Path file = dir.resolve("future.hesso");
        Files.write(file, bytes.toByteArray());
        assertEquals(
                "checkpoint " + file + " has format version 2; this library reads version 1",
                assertThrows(IOException.class, () -> HessoCheckpoint.read(file)).getMessage());
    }

    @Test
    void rowsPerChannelIsWrittenAndReadBack() throws IOException {
        Path file = dir.resolve("run.hesso");
        periodicCheckpoint(9).write(file);
        List<GroupMember> heads = HessoCheckpoint.read(file).nodeGroups().get(1).members();
        assertEquals(List.of(4, 4), heads.stream().map(GroupMember::rowsPerChannel).toList());
        assertEquals(2, json(file).split("\"rowsPerChannel\": 4").length - 1, json(file));
    }

    @Test
    void aFileWrittenBeforeRowsPerChannelWasSavedReadsItAsOne() throws Exception {
        Path file = dir.resolve("old.hesso");
        periodicCheckpoint(9).write(file);
        String json = json(file);
        String old = json.replaceAll(",\\s*\"rowsPerChannel\": \\d+", "");
        assertTrue(!old.contains("rowsPerChannel") && old.length() < json.length(), old);
        rewriteJson(file, old);
        HessoCheckpoint read = HessoCheckpoint.read(file);
        for (NodeGroup group : read.nodeGroups()) {
            for (GroupMember member : group.members()) {
                assertEquals(1, member.rowsPerChannel(), member.toString());
            }
        }
        assertEquals("fc1", read.nodeGroups().get(0).name());
        assertEquals(GROUPS.get(0), read.nodeGroups().get(0));
        // the heads' group saved without its rows per channel no longer fits the model's
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> read.checkNodeGroups(GROUPS));
        assertTrue(
                e.getMessage().contains("does not fit the model's node group 1")
                        && e.getMessage().contains("rowsPerChannel=1")
                        && e.getMessage().contains("rowsPerChannel=4"),
                e.getMessage());
    }

    /** The JSON document of a checkpoint file, as the documented layout places it. */
    private static String json(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            in.skipNBytes(8 + 4);
            return new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
        }
    }

    /** Replaces a checkpoint's JSON document, keeping its tensors, with a valid checksum. */
    private static void rewriteJson(Path file, String json) throws Exception {
        byte[] whole = Files.readAllBytes(file);
        int jsonLength;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(whole))) {
            in.skipNBytes(8 + 4);
            jsonLength = in.readInt();
        }
        int tensorsStart = 8 + 4 + 4 + jsonLength;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(whole, 0, 8 + 4);
        byte[] document = json.getBytes(StandardCharsets.UTF_8);
        out.writeInt(document.length);
        out.write(document);
        out.write(whole, tensorsStart, whole.length - 32 - tensorsStart);
        out.flush();
        out.write(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
        Files.write(file, bytes.toByteArray());
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = dir.resolve("none.hesso");
        IOException e = assertThrows(IOException.class, () -> HessoCheckpoint.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void settingsDifferencesAreListedSavedValueFirst() {
        SettingsFingerprint saved = settings("SGD", 1f, -1f);
        SettingsFingerprint now = settings("ADAM", 1f, 5f);
        assertEquals(
                List.of("djl.clipGrad: saved -1.0, now 5.0", "variant.kind: saved SGD, now ADAM"),
                saved.differences(now));
        assertTrue(saved.differences(saved).isEmpty());
    }

    static SettingsFingerprint settings(String variant, float rescaleGrad, float clipGrad) {
        return SettingsFingerprint.builder()
                .add("variant.kind", variant)
                .add("schedule.pruningSteps", 4)
                .add("djl.rescaleGrad", rescaleGrad)
                .add("djl.clipGrad", clipGrad)
                .build();
    }
}
