package ai.hesso.examples.demo;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import ai.hesso.djl.compact.ChannelSelection;
import ai.hesso.djl.compact.CompactModel;
import ai.hesso.djl.compact.CompactModels;
import ai.hesso.djl.compact.Compaction;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.export.OnnxExport;
import ai.hesso.examples.bench.PairedInference;
import ai.hesso.examples.data.FashionMnist;
import ai.hesso.examples.models.BuiltinModels;
import ai.hesso.examples.models.SavedModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The last step of {@code hesso demo}: turn the trained, zeroed model into a physically smaller one
 * and show that it is the same function. It removes HESSO's pruned channels (checking that they are
 * exactly the all-zero channels of the arrays), evaluates the compact and the zeroed model on the
 * test set in one pass, times their inference side by side on one test batch, saves both models
 * (the zeroed one as {@code SAVE/dense/fashion-cnn-0000.params}, the compact one in {@code
 * SAVE/compact}), reloads the compact model into a new {@link Model} with {@link
 * CompactModels#load} and evaluates it once more; then exports it as {@code
 * SAVE/compact/compact.onnx} ({@link OnnxExport}) and evaluates that file in ONNX Runtime beside
 * the compact model.
 */
public final class DemoCompaction {

    /** The exported compact model's file name, in the compact model's directory. */
    public static final String ONNX_FILE = "compact.onnx";

    /** ONNX Runtime gets as many intra-op threads as PyTorch has (0: its default). */
    private static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

    /** Untimed rounds of the inference timing. */
    static final int WARMUP_ROUNDS = 2;

    private final DemoSettings settings;

    /**
     * Creates the step.
     *
     * @param settings the demo's settings (save directory, timing rounds)
     */
    public DemoCompaction(DemoSettings settings) {
        this.settings = settings;
    }

    /**
     * Compacts, checks, times, saves and reloads.
     *
     * @param model the trained model, its block {@link BuiltinModels#fashionCnn()}
     * @param report the optimizer's discovery report ({@code hesso.discoveryReport()})
     * @param pruned HESSO's pruned channels ({@code hesso.prunedChannels()})
     * @param test the test set
     * @return what was measured
     * @throws IOException if the data cannot be read or a model cannot be saved or loaded
     * @throws TranslateException if DJL cannot batch the data
     * @throws MalformedModelException if the saved compact model cannot be loaded
     */
    public CompactionSummary run(
            Model model, DiscoveryReport report, Map<String, int[]> pruned, Dataset test)
            throws IOException, TranslateException, MalformedModelException {
        Block block = model.getBlock();
        ChannelSelection removed = ChannelSelection.of(report, pruned);
        boolean exactlyZero = sameChannels(removed, ChannelSelection.zeroChannels(block, report));
        Shape input = new Shape(1, 1, FashionMnist.IMAGE_SIZE, FashionMnist.IMAGE_SIZE);
        try (CompactModel compact = Compaction.compact(block, report, removed, input)) {
            Block small = compact.model().getBlock();
            List<Evaluation> pair = BlockEvaluator.evaluate(test, block, small);
            PairedInference.Timing timing = time(block, small, test);

            Path denseFile =
                    SavedModels.save(
                            model,
                            settings.saveDirectory().resolve("dense"),
                            BuiltinModels.FASHION_CNN);
            Path compactDirectory = settings.saveDirectory().resolve("compact");
            compact.save(compactDirectory);
            Evaluation reloaded;
            try (Model loaded = CompactModels.load(compactDirectory, BuiltinModels.fashionCnn())) {
                reloaded = BlockEvaluator.evaluate(test, small, loaded.getBlock()).get(1);
            }
            // the same compact model as a standard ONNX file beside DJL's, run in ONNX Runtime
            Path onnxFile = compactDirectory.resolve(ONNX_FILE);
            OnnxExport.write(compact, onnxFile);
            Evaluation onnx =
                    OnnxEvaluator.evaluate(
                            onnxFile, test, small, Integer.getInteger(THREADS_PROPERTY, 0));
            return new CompactionSummary(
                    removed,
                    exactlyZero,
                    compact.report(),
                    pair.get(0),
                    pair.get(1),
                    reloaded,
                    timing,
                    denseFile,
                    compactDirectory,
                    onnx,
                    onnxFile);
        }
    }

    /** Times both blocks on the first test batch, one forward pass per sample. */
    private PairedInference.Timing time(Block dense, Block compact, Dataset test)
            throws IOException, TranslateException {
        try (NDManager manager =
                NDManager.newBaseManager(dense.getParameters().valueAt(0).getArray().getDevice())) {
            NDArray images = null;
            for (Batch batch : test.getData(manager)) {
                try (batch) {
                    images = batch.getData().singletonOrThrow().duplicate();
                    images.attach(manager);
                }
                break;
            }
            if (images == null) {
                throw new IllegalStateException("the test set is empty");
            }
            return new PairedInference(WARMUP_ROUNDS, settings.timingRounds())
                    .time(dense, compact, images, 1);
        }
    }

    private static boolean sameChannels(ChannelSelection a, ChannelSelection b) {
        Map<String, int[]> x = a.removed();
        Map<String, int[]> y = b.removed();
        if (!x.keySet().equals(y.keySet())) {
            return false;
        }
        for (Map.Entry<String, int[]> e : x.entrySet()) {
            if (!Arrays.equals(e.getValue(), y.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
