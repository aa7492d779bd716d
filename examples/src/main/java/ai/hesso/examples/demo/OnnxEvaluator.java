package ai.hesso.examples.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import ai.hesso.djl.export.OnnxExport;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs an exported {@code .onnx} file over a labelled dataset in ONNX Runtime's Java API, batch by
 * batch beside a DJL block on the same images, and records the runtime's predictions, correct count
 * and the largest difference of its outputs to the block's.
 */
public final class OnnxEvaluator {

    private OnnxEvaluator() {}

    /**
     * Evaluates the file.
     *
     * @param file the {@code .onnx} file, with one input {@code input} and a dynamic batch axis
     * @param data the dataset
     * @param reference the DJL block the file was exported from, initialized
     * @param threads ONNX Runtime's intra-op threads (0: its default)
     * @return the runtime's evaluation, its difference measured against {@code reference}
     * @throws IOException if the data or the file cannot be read
     * @throws TranslateException if DJL cannot batch the data
     */
    public static Evaluation evaluate(Path file, Dataset data, Block reference, int threads)
            throws IOException, TranslateException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<Integer> predictions = new ArrayList<>();
        int correct = 0;
        double worst = 0;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            try (OrtSession session = env.createSession(file.toString(), options);
                    NDManager manager =
                            NDManager.newBaseManager(
                                    reference.getParameters().valueAt(0).getArray().getDevice())) {
                for (Batch batch : data.getData(manager)) {
                    try (batch) {
                        NDArray images = batch.getData().singletonOrThrow();
                        int[] labels =
                                batch.getLabels()
                                        .singletonOrThrow()
                                        .toType(DataType.INT32, false)
                                        .toIntArray();
                        float[] djl =
                                reference
                                        .forward(
                                                new ParameterStore(batch.getManager(), false),
                                                new NDList(images),
                                                false)
                                        .singletonOrThrow()
                                        .toFloatArray();
                        float[] onnx = run(env, session, images);
                        int classes = onnx.length / labels.length;
                        for (int i = 0; i < labels.length; i++) {
                            int best = 0;
                            for (int c = 1; c < classes; c++) {
                                if (onnx[i * classes + c] > onnx[i * classes + best]) {
                                    best = c;
                                }
                            }
                            predictions.add(best);
                            correct += best == labels[i] ? 1 : 0;
                        }
                        for (int i = 0; i < onnx.length; i++) {
                            worst = Math.max(worst, Math.abs(onnx[i] - djl[i]));
                        }
                    }
                }
            }
        } catch (OrtException e) {
            throw new IOException("ONNX Runtime cannot run " + file + ": " + e.getMessage(), e);
        }
        return new Evaluation(
                predictions.stream().mapToInt(Integer::intValue).toArray(), correct, worst);
    }

    private static float[] run(OrtEnvironment env, OrtSession session, NDArray images)
            throws OrtException {
        float[] x = images.toType(DataType.FLOAT32, false).toFloatArray();
        try (OnnxTensor in =
                        OnnxTensor.createTensor(
                                env, FloatBuffer.wrap(x), images.getShape().getShape());
                OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, in))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] values = new float[out.remaining()];
            out.get(values);
            return values;
        }
    }
}
