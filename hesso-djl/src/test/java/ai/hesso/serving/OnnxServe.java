package ai.hesso.serving;

import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A serving program that knows nothing of hesso: it loads an exported {@code .onnx} file with DJL's
 * ONNX Runtime engine and predicts with a {@link Translator} from float arrays to float arrays.
 * {@code DjlOnnxServingIT} runs it in a child JVM whose class path holds only DJL's api, its ONNX
 * Runtime engine and their dependencies, and this class.
 *
 * <p>Arguments: the model file, the input file (little-endian float32), the input shape ({@code
 * 16,1,28,28}) and the output file (little-endian float32).
 */
public final class OnnxServe {

    private OnnxServe() {}

    /**
     * Serves one batch.
     *
     * @param args model file, input file, input shape, output file
     * @throws Exception if loading or predicting fails
     */
    public static void main(String[] args) throws Exception {
        try {
            Class.forName("ai.hesso.djl.export.OnnxExport");
            throw new IllegalStateException("hesso is on the serving class path");
        } catch (ClassNotFoundException expected) {
            System.out.println("hesso absent from the class path");
        }
        Path model = Path.of(args[0]);
        float[] input = read(Path.of(args[1]));
        Shape shape =
                new Shape(Arrays.stream(args[2].split(",")).mapToLong(Long::parseLong).toArray());
        Criteria<float[], float[]> criteria =
                Criteria.builder()
                        .setTypes(float[].class, float[].class)
                        .optModelPath(model)
                        .optEngine("OnnxRuntime")
                        .optTranslator(new FloatTranslator(shape))
                        .build();
        try (ZooModel<float[], float[]> loaded = criteria.loadModel();
                Predictor<float[], float[]> predictor = loaded.newPredictor()) {
            float[] output = predictor.predict(input);
            write(Path.of(args[3]), output);
            System.out.println(
                    "engine "
                            + Engine.getEngine("OnnxRuntime").getEngineName()
                            + ", default engine "
                            + Engine.getDefaultEngineName()
                            + ", "
                            + output.length
                            + " outputs");
        }
    }

    private static float[] read(Path file) throws Exception {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(out);
        return out;
    }

    private static void write(Path file, float[] values) throws Exception {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        Files.write(file, bytes.array());
    }

    /** A batch of floats in, the first output's floats out. */
    static final class FloatTranslator implements Translator<float[], float[]> {

        private final Shape shape;

        FloatTranslator(Shape shape) {
            this.shape = shape;
        }

        @Override
        public NDList processInput(TranslatorContext ctx, float[] input) {
            return new NDList(ctx.getNDManager().create(input, shape));
        }

        @Override
        public float[] processOutput(TranslatorContext ctx, NDList list) {
            NDArray out = list.get(0);
            return out.toFloatArray();
        }

        @Override
        public ai.djl.translate.Batchifier getBatchifier() {
            // the input is already a batch
            return null;
        }
    }
}
