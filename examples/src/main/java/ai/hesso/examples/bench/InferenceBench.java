package ai.hesso.examples.bench;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.hesso.djl.compact.CompactModel;
import ai.hesso.djl.compact.Compaction;
import ai.hesso.djl.compact.CompactionReport;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.examples.data.FashionMnist;
import ai.hesso.examples.models.BuiltinModels;
import ai.hesso.examples.models.SavedModels;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Inference throughput of the demo CNN, zeroed full-size against compact: builds {@link
 * BuiltinModels#fashionCnn()} (fresh, seeded, with a share of every prunable group's channels set
 * to zero; or a trained one that {@code hesso demo} saved), compacts it by its exact zeros and
 * times both side by side ({@link PairedInference}) at each batch size on seeded random images.
 */
public final class InferenceBench {

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
     * @param timings one paired timing per batch size, in the settings' order
     */
    public record Result(
            int removedChannels,
            int prunableChannels,
            CompactionReport report,
            List<PairedInference.Timing> timings) {

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
            try (CompactModel compact = Compaction.compactZeroChannels(block, report, input);
                    NDManager manager = NDManager.newBaseManager()) {
                PairedInference timer =
                        new PairedInference(settings.warmupRounds(), settings.rounds());
                List<PairedInference.Timing> timings = new ArrayList<>();
                Engine.getInstance().setRandomSeed(settings.seed());
                for (int b : settings.batchSizes()) {
                    NDArray images =
                            manager.randomUniform(
                                    0,
                                    1,
                                    new Shape(
                                            b,
                                            1,
                                            FashionMnist.IMAGE_SIZE,
                                            FashionMnist.IMAGE_SIZE));
                    timings.add(
                            timer.time(
                                    block,
                                    compact.model().getBlock(),
                                    images,
                                    settings.callsPerSample(b)));
                    images.close();
                }
                return new Result(compact.selection().count(), prunable, compact.report(), timings);
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
