package ai.hesso.djl.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.hesso.djl.compact.CompactFixtures;
import ai.hesso.djl.compact.CompactModel;
import ai.hesso.djl.compact.Compaction;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.fixtures.TinyModels;
import ai.hesso.serving.OnnxServe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exported compact CNN served by DJL's ONNX Runtime engine with a {@code Predictor} and a
 * {@code Translator} ({@link OnnxServe}) in a child JVM whose class path holds DJL's api, the
 * engine, ONNX Runtime and their dependencies (copied by the build into {@code
 * target/djl-onnx-serving}) and the serving class alone, no hesso class: on real Fashion-MNIST test
 * images where installed (random images otherwise), its outputs are the DJL compact model's within
 * 1e-4.
 */
class DjlOnnxServingIT {

    private static final Logger LOG = LoggerFactory.getLogger(DjlOnnxServingIT.class);
    private static final Path SERVING_JARS = Path.of("target", "djl-onnx-serving");

    @TempDir Path dir;

    @Test
    void djlsOnnxRuntimeEngineServesTheExportedModelWithoutHesso() throws Exception {
        Shape trace = new Shape(2, 1, 28, 28);
        Shape batch = new Shape(16, 1, 28, 28);
        float[] images =
                Files.exists(ExportFixtures.FASHION_TEST_IMAGES)
                        ? ExportFixtures.fashionImages(16)
                        : ExportFixtures.gaussian(batch, 9);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = CompactFixtures.init(TinyModels.smallCnn(10), manager, trace, 11);
            DiscoveryReport report = GroupDiscovery.builder().build().discover(block, trace);
            try (CompactModel compact =
                    Compaction.compact(
                            block, report, ExportFixtures.everyOtherChannel(report), trace)) {
                Path model = dir.resolve("fashion.onnx");
                OnnxExport.write(compact, model);
                float[] djl =
                        ExportFixtures.forward(compact.model().getBlock(), manager, images, batch);
                Path in = dir.resolve("input.bin");
                Path out = dir.resolve("output.bin");
                writeFloats(in, images);
                String log = serve(model, in, "16,1,28,28", out);
                assertTrue(log.contains("hesso absent from the class path"), log);
                assertTrue(log.contains("engine OnnxRuntime"), log);
                float[] served = readFloats(out);
                assertEquals(djl.length, served.length, log);
                double diff = CompactFixtures.maxAbsDiff(djl, served);
                LOG.info("DJL OnnxRuntime engine, 16 images: max |served - djl| {}", diff);
                assertTrue(diff <= 1e-4, "max |served - djl| " + diff);
            }
        }
    }

    /** Runs {@link OnnxServe} in a child JVM on the isolated class path; returns its output. */
    private String serve(Path model, Path in, String shape, Path out) throws Exception {
        Path classes = dir.resolve("serving-classes");
        copyServingClasses(classes);
        List<String> classPath = new ArrayList<>();
        try (Stream<Path> jars = Files.list(SERVING_JARS)) {
            jars.filter(p -> p.toString().endsWith(".jar"))
                    .sorted()
                    .forEach(p -> classPath.add(p.toAbsolutePath().toString()));
        }
        assertTrue(classPath.size() >= 3, "no serving jars in " + SERVING_JARS.toAbsolutePath());
        classPath.add(classes.toString());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-Dai.djl.offline=true");
        command.add("-cp");
        command.add(String.join(java.io.File.pathSeparator, classPath));
        command.add(OnnxServe.class.getName());
        command.add(model.toString());
        command.add(in.toString());
        command.add(shape);
        command.add(out.toString());
        Path log = dir.resolve("serve.log");
        Process child =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        boolean done = child.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            child.destroyForcibly();
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(done, "the serving JVM did not finish:\n" + text);
        assertEquals(0, child.exitValue(), text);
        return text;
    }

    /** The serving class and its nested classes, and nothing else of the test class path. */
    private static void copyServingClasses(Path root) throws IOException {
        Class<?> main = OnnxServe.class;
        Path pkg = root.resolve(main.getPackageName().replace('.', '/'));
        Files.createDirectories(pkg);
        for (String name :
                new String[] {main.getSimpleName(), main.getSimpleName() + "$FloatTranslator"}) {
            try (InputStream bytes = main.getResourceAsStream(name + ".class")) {
                Files.copy(bytes, pkg.resolve(name + ".class"));
            }
        }
    }

    private static void writeFloats(Path file, float[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        Files.write(file, bytes.array());
    }

    private static float[] readFloats(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(out);
        return out;
    }
}
