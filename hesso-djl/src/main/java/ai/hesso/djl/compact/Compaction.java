package ai.hesso.djl.compact;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.hesso.djl.HessoOptimizer;
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
 * <p>Which channels go: a {@link HessoOptimizer}'s pruned channels ({@link #compact(Block,
 * DiscoveryReport, HessoOptimizer, Shape...)}, refused until its pruning is complete), a map given
 * by hand, or every channel whose rows are zero in the arrays ({@link #compactZeroChannels(Block,
 * DiscoveryReport, Shape...)}, for a model without its optimizer; with the optimizer, checked
 * against its pruned channels).
 *
 * <p>A model trained with a {@link HessoOptimizer} that discovered its node groups (the default) is
 * compacted by the optimizer itself, with the same checks: {@link HessoOptimizer#compact()}.
 *
 * <pre>{@code
 * try (CompactModel compact = hesso.compact()) {
 *     System.out.print(compact.report().format());
 *     compact.save(Path.of("build/compact"));
 * }
 * }</pre>
 */
public final class Compaction {

    private static final Logger LOG = LoggerFactory.getLogger(Compaction.class);

    private Compaction() {}

    /**
     * Compacts the block a {@link HessoOptimizer} trained, removing exactly its pruned channels
     * ({@code hesso.prunedChannels()}), once pruning is complete. This is the call for a model
     * trained with HESSO: it refuses an unfinished run (see {@link #compact(Block, DiscoveryReport,
     * HessoOptimizer, CompactionOptions, Shape...)}).
     *
     * @param block the initialized block the optimizer trained
     * @param report its discovery report
     * @param hesso the optimizer that trained it (or resumed its checkpoint)
     * @param inputShapes its input shapes, batch axis first
     * @return the compact model; close it to free its arrays
     * @throws IllegalStateException if pruning has not completed ({@link
     *     HessoOptimizer#pruningComplete()}), naming the step the run is at and the step pruning
     *     completes with; if a pruned channel is not exactly zero in the block's arrays; or if the
     *     block is not initialized
     * @throws IllegalArgumentException naming the group when the optimizer's node groups are not
     *     the report's
     * @throws CompactionException naming the block path and class of a block it cannot rebuild
     */
    public static CompactModel compact(
            Block block, DiscoveryReport report, HessoOptimizer hesso, Shape... inputShapes) {
        return compact(block, report, hesso, CompactionOptions.defaults(), inputShapes);
    }

    /**
     * Compacts the block a {@link HessoOptimizer} trained, removing exactly its pruned channels.
     *
     * <p>A run whose pruning has not completed ({@link HessoOptimizer#pruningComplete()}: HESSO's
     * last period not ended, CRIC's vote or hybrid phase still ahead) is refused unless {@link
     * CompactionOptions#allowUnfinished()}: it would remove only the channels pruned so far, and
     * its redundant channels, half projected, would stay. Allowed, it logs a warning and removes
     * the channels pruned so far. Either way every removed channel must be exactly zero in the
     * block's arrays, which catches a block other than the one the optimizer trained.
     *
     * @param block the initialized block the optimizer trained
     * @param report its discovery report
     * @param hesso the optimizer that trained it (or resumed its checkpoint)
     * @param options whether an unfinished run is allowed
     * @param inputShapes its input shapes, batch axis first
     * @return the compact model; close it to free its arrays
     * @throws IllegalStateException if pruning has not completed and the options do not allow it,
     *     naming the step the run is at, the step pruning completes with and what to do; if a
     *     pruned channel is not exactly zero in the block's arrays; if the block is not
     *     initialized; or if the optimizer has taken no step (nor resumed one)
     * @throws IllegalArgumentException naming the group when the optimizer's node groups are not
     *     the report's
     * @throws CompactionException naming the block path and class of a block it cannot rebuild
     */
    public static CompactModel compact(
            Block block,
            DiscoveryReport report,
            HessoOptimizer hesso,
            CompactionOptions options,
            Shape... inputShapes) {
        requireInitialized(block);
        Objects.requireNonNull(report, "report");
        ChannelSelection pruned = OptimizerChannels.pruned(hesso, report, options);
        OptimizerChannels.requireZero(block, report, pruned);
        return compact(block, report, pruned, inputShapes);
    }

    /**
     * Compacts the block a {@link HessoOptimizer} trained, removing the channels that are zero in
     * its arrays, and checks that they are exactly the optimizer's pruned channels; see {@link
     * #compactZeroChannels(Block, DiscoveryReport, HessoOptimizer, CompactionOptions, Shape...)}.
     *
     * @param block the initialized block the optimizer trained
     * @param report its discovery report
     * @param hesso the optimizer that trained it (or resumed its checkpoint)
     * @param inputShapes its input shapes, batch axis first
     * @return the compact model; close it to free its arrays
     * @throws IllegalStateException if pruning has not completed, or the zero channels and the
     *     pruned channels differ, naming each channel that differs and why
     * @throws IllegalArgumentException as {@link #compactZeroChannels(Block, DiscoveryReport,
     *     Shape...)}
     * @throws CompactionException naming the block path and class of a block it cannot rebuild
     */
    public static CompactModel compactZeroChannels(
            Block block, DiscoveryReport report, HessoOptimizer hesso, Shape... inputShapes) {
        return compactZeroChannels(block, report, hesso, CompactionOptions.defaults(), inputShapes);
    }

    /**
     * Compacts the block a {@link HessoOptimizer} trained, removing the channels that are zero in
     * its arrays, and checks that they are exactly the optimizer's pruned channels.
     *
     * <p>The two sets can differ, and then this refuses, naming each channel and why: a channel
     * zero in the arrays that HESSO has not pruned (zeroed by a CRIC probe or shrunk by a CRIC
     * cycle, both restored later; a redundant channel at the end of its projection; a dead channel
     * that HESSO keeps), or a pruned channel that is not zero (parameters changed or loaded after
     * training, or another block). An unfinished run is refused first, as by {@link #compact(Block,
     * DiscoveryReport, HessoOptimizer, CompactionOptions, Shape...)}, unless the options allow it.
     *
     * @param block the initialized block the optimizer trained
     * @param report its discovery report
     * @param hesso the optimizer that trained it (or resumed its checkpoint)
     * @param options whether an unfinished run is allowed
     * @param inputShapes its input shapes, batch axis first
     * @return the compact model; close it to free its arrays
     * @throws IllegalStateException if pruning has not completed and the options do not allow it,
     *     or the zero channels and the pruned channels differ, naming each channel that differs and
     *     why
     * @throws IllegalArgumentException as {@link #compactZeroChannels(Block, DiscoveryReport,
     *     Shape...)}
     * @throws CompactionException naming the block path and class of a block it cannot rebuild
     */
    public static CompactModel compactZeroChannels(
            Block block,
            DiscoveryReport report,
            HessoOptimizer hesso,
            CompactionOptions options,
            Shape... inputShapes) {
        requireInitialized(block);
        Objects.requireNonNull(report, "report");
        ChannelSelection pruned = OptimizerChannels.pruned(hesso, report, options);
        ChannelSelection zeros = ChannelSelection.zeroChannels(block, report);
        OptimizerChannels.requireSame(zeros, pruned, hesso);
        return compact(block, report, zeros, inputShapes);
    }

    /**
     * Compacts a block, removing every channel of a prunable group whose member rows are all
     * exactly zero (see {@link ChannelSelection#zeroChannels}).
     *
     * <p>This reads the arrays only, for a model whose optimizer is not at hand (a model loaded
     * from disk, or pruned elsewhere). It cannot tell a pruned channel from one that is zero for
     * another reason: a run stopped early, inside a CRIC probe or cycle, or a dead channel. For a
     * model trained with a {@link HessoOptimizer}, pass the optimizer ({@link #compact(Block,
     * DiscoveryReport, HessoOptimizer, Shape...)}, or {@link #compactZeroChannels(Block,
     * DiscoveryReport, HessoOptimizer, Shape...)} to check the arrays against it).
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
     * Compacts a block, removing the given channels. The map is taken as it is: it cannot say
     * whether the run that pruned them had finished. With a {@link HessoOptimizer} at hand, prefer
     * {@link #compact(Block, DiscoveryReport, HessoOptimizer, Shape...)}, which refuses an
     * unfinished run.
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
                            BlockCost.of(block, layers, inputShapes),
                            BlockCost.of(rebuilt, layers, inputShapes));
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
                    model,
                    selection,
                    widths,
                    layers.configuredWidths(block),
                    CompactFormat.blocks(block),
                    inputShapes,
                    costs);
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
}
