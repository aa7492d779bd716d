package ai.hesso.examples.demo;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs several initialized blocks over a labelled dataset in one pass, in inference mode (batch
 * norm uses its running statistics), and records each one's predictions, correct count and the
 * largest difference of its outputs to the first block's on the same batch.
 */
public final class BlockEvaluator {

    private BlockEvaluator() {}

    /**
     * Evaluates the blocks on every batch of the dataset.
     *
     * @param data the dataset, labels holding class indices
     * @param blocks the blocks; the first is the reference for {@link Evaluation#maxAbsDiff()}
     * @return one evaluation per block, in order
     * @throws IOException if the data cannot be read
     * @throws TranslateException if DJL cannot batch the data
     */
    public static List<Evaluation> evaluate(Dataset data, Block... blocks)
            throws IOException, TranslateException {
        if (blocks.length == 0) {
            throw new IllegalArgumentException("no block to evaluate");
        }
        Device device = blocks[0].getParameters().valueAt(0).getArray().getDevice();
        int k = blocks.length;
        List<List<Integer>> predictions = new ArrayList<>();
        int[] correct = new int[k];
        double[] worst = new double[k];
        for (int i = 0; i < k; i++) {
            predictions.add(new ArrayList<>());
        }
        try (NDManager manager = NDManager.newBaseManager(device)) {
            for (Batch batch : data.getData(manager)) {
                // every array made below lives in the batch's manager and is closed with the batch
                try (batch) {
                    NDList input = batch.getData();
                    int[] labels =
                            batch.getLabels()
                                    .singletonOrThrow()
                                    .toType(DataType.INT32, false)
                                    .toIntArray();
                    ParameterStore store = new ParameterStore(batch.getManager(), false);
                    NDArray reference = null;
                    for (int i = 0; i < k; i++) {
                        NDArray out = blocks[i].forward(store, input, false).singletonOrThrow();
                        int[] classes = out.argMax(1).toType(DataType.INT32, false).toIntArray();
                        for (int j = 0; j < classes.length; j++) {
                            predictions.get(i).add(classes[j]);
                            correct[i] += classes[j] == labels[j] ? 1 : 0;
                        }
                        if (i == 0) {
                            reference = out;
                        } else {
                            double d = out.sub(reference).abs().max().getFloat();
                            worst[i] = Math.max(worst[i], d);
                        }
                    }
                }
            }
        }
        List<Evaluation> result = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            int[] p = predictions.get(i).stream().mapToInt(Integer::intValue).toArray();
            result.add(new Evaluation(p, correct[i], worst[i]));
        }
        return result;
    }
}
