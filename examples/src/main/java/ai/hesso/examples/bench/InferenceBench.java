package ai.hesso.examples.bench;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.hesso.djl.compact.CompactModel;
import ai.hesso.djl.compact.Compaction;
import ai.hesso.djl.compact.CompactionReport;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.djl.export.BatchNormFolding;
import ai.hesso.djl.export.OnnxExport;
import ai.hesso.examples.data.FashionMnist;
import ai.hesso.examples.models.BuiltinModels;
import ai.hesso.examples.models.SavedModels;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Inference throughput of the demo CNN, zeroed full-size against compact: builds {@link
 * BuiltinModels#fashionCnn()} (fresh, seeded, with a share of every prunable group's channels set
 * to zero; or a trained one that {@code hesso demo} saved), compacts it by its exact zeros, folds
 * the compact model's batch norms ({@link BatchNormFolding}) and exports it ({@link OnnxExport}),
 * and times the four round by round ({@link InferenceRounds}): the zeroed, the compact and the
 * folded compact model in DJL's PyTorch engine, and the exported file in ONNX Runtime's Java API,
 * at each batch size on seeded random images.
 */
public final class InferenceBench {

    /** The contenders, in the order of {@link InferenceRounds.Timing#names()}. */
    public static final List<String> CONTENDERS =
            List.of("zeroed", "compact", "folded", "onnxruntime");

    private static final String THREADS = "ai.djl.pytorch.num_threads";

    private final InferenceBenchSettings settings;

    /**
     * Creates the benchmark.
     *
     * @param settings the settings
     */
    public InferenceBench(InferenceBenchSettings settings) {
        this.settings = settings;
    }

    /**
     * What the benchmark measured.
     *
     * @param removedChannels the channels compaction removed
     * @param prunableChannels the channels of all prunable groups
     * @param report the parameters and MACs before and after
     * @param timings one timing of the four contenders per batch size, in the settings' order
     */
    public record Result(
            int removedChannels,
            int prunableChannels,
            CompactionReport report,
            List<InferenceRounds.Timing> timings) {

        /**
         * Copies the list.
         *
         * @param removedChannels the removed channels
         * @param prunableChannels the prunable channels
         * @param report the report
         * @param timings the timings
         */
        public Result {
            timings = List.copyOf(timings);
        }

        /**
         * Returns how many times fewer MACs per image the compact model needs.
         *
         * @return MACs before / MACs after
         */
        public double macReduction() {
            return (double) report.before().macs() / report.after().macs();
        }
    }

    /**
     * Builds, compacts and times.
     *
     * @return the measurements
     * @throws IOException if the trained model cannot be read
     * @throws MalformedModelException if the trained model's file does not fit the model
     */
    public Result run() throws IOException, MalformedModelException {
        BuiltinModels.BuiltinModel entry = BuiltinModels.get(BuiltinModels.FASHION_CNN);
        Shape input = entry.inputShape();
        try (Model dense = denseModel(entry)) {
            Block block = dense.getBlock();
            DiscoveryReport report = GroupDiscovery.builder().build().discover(block, input);
            if (settings.trainedModel().isEmpty()) {
                ChannelZeroing.zeroFraction(block, report, settings.sparsity(), settings.seed());
            }
            int prunable =
                    report.prunableGroups().stream().mapToInt(g -> g.group().channels()).sum();
            Path onnxFile = Files.createTempFile("hesso-bench-", ".onnx");
            try (CompactModel compact = Compaction.compactZeroChannels(block, report, input);
                    NDManager manager = NDManager.newBaseManager()) {
                Block small = compact.model().getBlock();
                Block folded = BatchNormFolding.fold(small, manager, input);
                OnnxExport.write(compact, onnxFile);
                InferenceRounds timer =
                        new InferenceRounds(settings.warmupRounds(), settings.rounds());
                List<InferenceRounds.Timing> timings = new ArrayList<>();
                Engine.getInstance().setRandomSeed(settings.seed());
                OrtEnvironment env = OrtEnvironment.getEnvironment();
                try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                    // as many threads as PyTorch, for a like-for-like comparison
                    options.setIntraOpNumThreads(Integer.getInteger(THREADS, 0));
                    options.setInterOpNumThreads(1);
                    try (OrtSession session = env.createSession(onnxFile.toString(), options)) {
                        for (int b : settings.batchSizes()) {
                            Shape shape =
                                    new Shape(
                                            b, 1, FashionMnist.IMAGE_SIZE, FashionMnist.IMAGE_SIZE);
                            try (NDArray images = manager.randomUniform(0, 1, shape);
                                    OnnxTensor tensor =
                                            OnnxTensor.createTensor(
                                                    env,
                                                    FloatBuffer.wrap(images.toFloatArray()),
                                                    shape.getShape())) {
                                timings.add(
                                        timer.time(
                                                b,
                                                settings.callsPerSample(b),
                                                CONTENDERS,
                                                List.of(
                                                        calls -> djl(block, images, calls),
                                                        calls -> djl(small, images, calls),
                                                        calls -> djl(folded, images, calls),
                                                        calls -> onnx(session, tensor, calls))));
                            }
                        }
                    }
                } catch (Exception e) {
                    throw new IOException("inference timing failed: " + e.getMessage(), e);
                }
                return new Result(compact.selection().count(), prunable, compact.report(), timings);
            } finally {
                Files.deleteIfExists(onnxFile);
            }
        }
    }

    /** Runs {@code calls} DJL forward passes, each in its own sub-manager closed right after. */
    private static void djl(Block block, NDArray input, int calls) {
        for (int i = 0; i < calls; i++) {
            // the forward pass's arrays are made on the input's manager: borrow it for one pass
            try (NDManager pass = input.getManager().newSubManager()) {
                input.tempAttach(pass);
                block.forward(new ParameterStore(pass, false), new NDList(input), false);
            }
        }
    }

    /** Runs {@code calls} ONNX Runtime passes, closing each result. */
    private static void onnx(OrtSession session, OnnxTensor input, int calls) throws OrtException {
        for (int i = 0; i < calls; i++) {
            try (OrtSession.Result r = session.run(Map.of(OnnxExport.INPUT, input))) {
                r.get(0);
            }
        }
    }

    private Model denseModel(BuiltinModels.BuiltinModel entry)
            throws IOException, MalformedModelException {
        if (settings.trainedModel().isPresent()) {
            return SavedModels.load(settings.trainedModel().get(), entry);
        }
        Model model = Model.newInstance(entry.name());
        try {
            Engine.getInstance().setRandomSeed(settings.seed());
            Block block = entry.build();
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, entry.inputShape());
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
