package ai.hesso.djl.export;

import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs an exported file in ONNX Runtime's Java API, the real runtime the tests compare DJL with.
 * One session per file; close it. The environment is ONNX Runtime's process-wide singleton and is
 * not closed.
 */
public final class OrtRunner implements AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession.SessionOptions options;
    private final OrtSession session;

    /**
     * Opens a session on a file.
     *
     * @param file the {@code .onnx} file
     * @throws OrtException when ONNX Runtime refuses the file
     */
    public OrtRunner(Path file) throws OrtException {
        options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        session = env.createSession(file.toString(), options);
    }

    /**
     * Runs the graph on one float input named {@code input} and returns its first output.
     *
     * @param data the input values, row-major
     * @param shape their shape
     * @return the first output, row-major
     * @throws OrtException when the run fails
     */
    public float[] run(float[] data, Shape shape) throws OrtException {
        try (OnnxTensor in =
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape.getShape());
                OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, in))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] values = new float[out.remaining()];
            out.get(values);
            return values;
        }
    }

    /** Closes the session and its options. */
    @Override
    public void close() throws OrtException {
        session.close();
        options.close();
    }
}
