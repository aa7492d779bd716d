package ai.hesso.djl.compact;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.layers.LayerRegistry;
import ai.hesso.djl.layers.LayerWidth;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the compact model: the same architecture without the removed channels.
 *
 * <p>The block tree is rebuilt layer by layer with the new widths, each block by its {@link
 * ai.hesso.djl.layers.LayerSupport} from the registry the report's discovery used (fewer linear
 * units and convolution filters; batch and layer norms, depthwise convolutions and every consumer's
 * input follow), initialized with the input shapes, and every kept parameter value, batch-norm
 * running statistics included, is copied exactly by parameter path. The original block is not
 * changed, also when compaction fails: every check runs before the new model is built, and a model
 * that fails later is closed before the exception leaves. For a DJL {@code Model}, pass {@code
 * model.getBlock()}. See {@code docs/compaction.md}.
 *
 * <pre>{@code
 * DiscoveryReport report = GroupDiscovery.builder().build().discover(block, inputShape);
 * try (CompactModel compact = Compaction.compactZeroChannels(block, report, inputShape)) {
 *     System.out.print(compact.report().format());
 *     compact.save(Path.of("build/compact"));
 * }
 * }</pre>
 */
public final class Compaction {

    private static final Logger LOG = LoggerFactory.getLogger(Compaction.class);

    private Compaction() {}

    /**
     * Compacts a block, removing every channel of a prunable group whose member rows are all
     * exactly zero (see {@link ChannelSelection#zeroChannels}).
     *
     * @param block the initialized original block
     * @param report its discovery report
     * @param inputShapes its input shapes, batch axis first
     * @return the compact model; close it to free its arrays
     * @throws IllegalStateException if the block is not initialized
     * @throws IllegalArgumentException naming the group and parameter of a channel that is zero in
     *     some member rows and not in others
     * @throws CompactionException naming the block path and class of a block it cannot rebuild
     */
    public static CompactModel compactZeroChannels(
            Block block, DiscoveryReport report, Shape... inputShapes) {
        requireInitialized(block);
        return compact(block, report, ChannelSelection.zeroChannels(block, report), inputShapes);
    }

    /**
     * Compacts a block, removing the given channels.
     *
     * @param block the initialized original block
     * @param report its discovery report
     * @param removed group name to local channel indices, as {@code HessoDriver.prunedChannels()}
     *     returns them
     * @param inputShapes its input shapes, batch axis first
     * @return the compact model; close it to free its arrays
     * @throws IllegalStateException if the block is not initialized
     * @throws IllegalArgumentException naming the group when the map does not match the report (see
     *     {@link ChannelSelection#of})
     * @throws CompactionException naming the block path and class of a block it cannot rebuild
     */
    public static CompactModel compact(
            Block block, DiscoveryReport report, Map<String, int[]> removed, Shape... inputShapes) {
        requireInitialized(block);
        return compact(block, report, ChannelSelection.of(report, removed), inputShapes);
    }

    /**
     * Compacts a block, removing a checked selection of channels.
     *
     * @param block the initialized original block
     * @param report its discovery report
     * @param selection the channels to remove
     * @param inputShapes its input shapes, batch axis first
     * @return the compact model; close it to free its arrays
     * @throws IllegalStateException if the block is not initialized
     * @throws IllegalArgumentException if no input shape is given or the report names parameters
     *     the block lacks
     * @throws CompactionException naming the block path and class of a block it cannot rebuild
     */
    public static CompactModel compact(
            Block block, DiscoveryReport report, ChannelSelection selection, Shape... inputShapes) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(selection, "selection");
        requireInitialized(block);
        if (inputShapes == null || inputShapes.length == 0) {
            throw new IllegalArgumentException("compaction needs the block's input shapes");
        }
        NDArray first = block.getParameters().valueAt(0).getArray();
        DataType dataType = first.getDataType();
        Device device = first.getDevice();
        RemovalPlan plan = RemovalPlan.of(block.getParameters(), report, selection);
        LayerRegistry layers = report.layers();
        List<LayerWidth> widths = layers.widths(block, plan.indices(block.getParameters()));
        Block rebuilt = layers.rebuild(block, widths);
        Model model = Model.newInstance("compact", device);
        try {
            model.setBlock(rebuilt);
            initialize(rebuilt, model, dataType, inputShapes);
            ParameterCopier.copy(block, rebuilt, plan);
            CompactionReport costs =
                    new CompactionReport(
                            ModelCost.of(block, layers, inputShapes),
                            ModelCost.of(rebuilt, layers, inputShapes));
            LOG.info(
                    "compacted: {} channels removed from {} groups; parameters {} -> {}, MACs per"
                            + " sample {} -> {}",
                    selection.count(),
                    selection.removed().size(),
                    costs.before().parameters(),
                    costs.after().parameters(),
                    costs.before().macs(),
                    costs.after().macs());
            return new CompactModel(
                    model, selection, widths, CompactFormat.blocks(block), inputShapes, costs);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Initializes a rebuilt block, naming the input shapes when that fails.
     *
     * @param rebuilt the rebuilt block
     * @param model the model owning it
     * @param dataType the parameters' data type
     * @param inputShapes the input shapes
     */
    static void initialize(Block rebuilt, Model model, DataType dataType, Shape... inputShapes) {
        try {
            rebuilt.initialize(model.getNDManager(), dataType, inputShapes);
        } catch (RuntimeException e) {
            throw new CompactionException(
                    "",
                    "the rebuilt block cannot be initialized with input shapes "
                            + Arrays.toString(inputShapes)
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * Fails unless every parameter of the block has an array.
     *
     * @param block the block
     * @throws IllegalStateException naming the first uninitialized parameter
     */
    static void requireInitialized(Block block) {
        Objects.requireNonNull(block, "block");
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (!p.getValue().isInitialized()) {
                throw new IllegalStateException(
                        "block "
                                + block.getClass().getSimpleName()
                                + " is not initialized (parameter "
                                + p.getKey()
                                + " has no array); call block.initialize(manager, dataType,"
                                + " inputShapes) or load the model first");
            }
        }
        if (block.getParameters().isEmpty()) {
            throw new IllegalArgumentException(
                    "block " + block.getClass().getSimpleName() + " has no parameters to compact");
        }
    }

    static String paramPath(String blockPath, String name) {
        return blockPath.isEmpty() ? name : blockPath + "_" + name;
    }

    static String display(String path) {
        return path.isEmpty() ? "<root>" : path;
    }
}
