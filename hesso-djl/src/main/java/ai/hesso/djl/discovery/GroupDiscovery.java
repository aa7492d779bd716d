package ai.hesso.djl.discovery;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.djl.layers.LayerRegistry;
import ai.hesso.djl.layers.LayerSupport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Finds the zero-invariant node groups of a DJL {@link Block} by itself: Only-Train-Once's "any
 * network, no manual grouping" (HESSO, arXiv 2409.09085, section 1 of the algorithm notes).
 *
 * <p>The block is traced symbolically from its input shapes: every supported block type has a
 * {@link LayerSupport} (linear, convolution 1d/2d/3d, batch norm, layer norm, dropout, sequential
 * and parallel containers, DJL's scaled dot-product attention, feed-forward and transformer encoder
 * blocks; see {@link LayerRegistry}) and lambdas and parallel joins are identified by numerical
 * probes that test every pair of channels. Other block types are taught with {@link
 * Builder#optLayer}, once for discovery, MAC counting and compaction. A producer's channels and
 * everything coupled to them (batch-norm gamma and beta, a depthwise convolution, the branches of a
 * residual add) form one node group; the next layers' input slices are recorded as consumers. An
 * attention block's heads form one group whose channels own a run of rows each (unprunable: DJL's
 * attention block cannot be rebuilt with fewer heads). Parameters that are not trainable (frozen,
 * or a batch norm without scale or shift) are never members: they are carried as companions, and
 * leave their group unprunable unless they are exactly zero. Whatever is not proven zero-invariant
 * stays unprunable with a reason: the network input, the last layer (it feeds the loss), producers
 * feeding a layer norm or a non-zero-preserving lambda, grouped and transposed convolutions, a
 * batch norm over a concatenation, a lambda that only works at the traced width (a reshape to a
 * hard-coded channel count), a block used at several places (its arrays shared), and everything
 * around an unsupported block. The project's {@code docs/discovery.md} explains each case.
 *
 * <pre>{@code
 * DiscoveryReport report = GroupDiscovery.builder().build().discover(block, new Shape(1, 3, 32, 32));
 * List<NodeGroup> groups = report.nodeGroups();
 * }</pre>
 */
public final class GroupDiscovery {

    /** The default seed of the probes' random inputs. */
    static final long PROBE_SEED = 20240913L;

    private final List<String> unprunable;
    private final LayerRegistry layers;
    private final boolean strict;
    private final long probeSeed;

    private GroupDiscovery(Builder builder) {
        this.unprunable = List.copyOf(builder.unprunable);
        this.layers = builder.layers.build();
        this.strict = builder.strict;
        this.probeSeed = builder.probeSeed;
    }

    /**
     * Creates a builder.
     *
     * @return a new builder with no extra unprunable paths, not strict
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Discovers the node groups of an initialized block.
     *
     * <p>Discovery leaves its arguments as they were (the shapes included) and does not depend on
     * the batch size of the input shapes: probes run at a batch of their own.
     *
     * <p>The block must be initialized (for example by {@code block.initialize(manager,
     * DataType.FLOAT32, inputShapes)} or by a {@code Trainer}); discovery does not initialize it,
     * so it never creates parameters whose lifetime the caller does not own. Discovery only reads
     * the parameters; probes run lambdas and joins on small random arrays, never the parameterised
     * layers.
     *
     * @param block the initialized block
     * @param inputShapes the shapes of the block's inputs, batch axis first
     * @return the report
     * @throws IllegalStateException if the block is not initialized
     * @throws IllegalArgumentException if no input shape is given, or an {@code optUnprunable} path
     *     names no parameter of the block
     * @throws UnsupportedBlockException in strict mode, on the first unsupported block
     */
    public DiscoveryReport discover(Block block, Shape... inputShapes) {
        Objects.requireNonNull(block, "block");
        if (inputShapes == null || inputShapes.length == 0) {
            throw new IllegalArgumentException(
                    "discovery needs at least one input shape, got none");
        }
        if (!block.isInitialized()) {
            throw new IllegalStateException(
                    "block "
                            + block.getClass().getSimpleName()
                            + " is not initialized; call block.initialize(manager, DataType.FLOAT32, "
                            + Arrays.toString(inputShapes)
                            + ") before discovery");
        }
        Set<String> parameterNames = new HashSet<>(block.getParameters().keys());
        for (String path : unprunable) {
            if (parameterNames.stream().noneMatch(p -> covers(path, p))) {
                throw new IllegalArgumentException(
                        "optUnprunable path '"
                                + path
                                + "' names no parameter or block of the model; parameters are "
                                + block.getParameters().keys());
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            DiscoveryContext ctx =
                    new DiscoveryContext(layers, new Probes(manager, probeSeed), strict);
            List<Trace> inputs = new ArrayList<>();
            for (Shape shape : inputShapes) {
                // traced as a copy: a Shape's getShape() is its own array, and neither the
                // caller's shapes nor the block's recorded input shapes may change
                Shape copy = new Shape(shape.getShape().clone(), shape.getLayout().clone());
                Trace in =
                        ctx.opaque("input", copy, "network input: its width is fixed by the data");
                inputs.add(in);
            }
            List<Trace> outputs = ctx.visit(block, "", inputs);
            for (Trace out : outputs) {
                ctx.blockAll(
                        out, "feeds the network output (the loss): its width is fixed by the task");
            }
            return report(block, ctx);
        }
    }

    private DiscoveryReport report(Block block, DiscoveryContext ctx) {
        Map<String, List<String>> places = places(block);
        List<DiscoveredGroup> groups = new ArrayList<>();
        List<Finding> findings = new ArrayList<>(ctx.findings());
        Set<String> names = new HashSet<>();
        for (ChannelGraph.Node node : ctx.graph.roots()) {
            if (node.members.isEmpty()) {
                if (!node.frozen.isEmpty()) {
                    findings.add(
                            new Finding(
                                    node.label,
                                    "channels made and carried by frozen parameters only ("
                                            + String.join(", ", node.frozen)
                                            + "): no node group, nothing there is trained"));
                }
                continue;
            }
            List<String> reasons = new ArrayList<>(node.reasons);
            reasons.addAll(sharedReasons(node, places));
            for (String path : unprunable) {
                if (node.members.stream().anyMatch(m -> covers(path, m.tensor()))) {
                    reasons.add("marked unprunable by the user (" + path + ")");
                }
            }
            String name =
                    uniqueName(
                            node.groupName != null ? node.groupName : blockOf(node.members.get(0)),
                            names);
            int channels = Math.toIntExact(node.channels);
            NodeGroup group =
                    reasons.isEmpty()
                            ? NodeGroup.prunable(name, channels, node.members)
                            : NodeGroup.unprunable(
                                    name, channels, node.members, String.join("; ", reasons));
            groups.add(
                    new DiscoveredGroup(
                            group,
                            node.consumers,
                            node.companions,
                            new GroupBlocks(
                                    List.copyOf(node.producerBlocks),
                                    List.copyOf(node.consumerBlocks))));
            if (!group.prunable()) {
                findings.add(new Finding(name, "group unprunable: " + group.reason()));
            }
        }
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()
                    && !ctx.claimed().contains(p.getKey())
                    && !ctx.reported().contains(p.getKey())) {
                findings.add(new Finding(p.getKey(), "trainable parameter in no node group"));
            }
        }
        return new DiscoveryReport(groups, findings, layers);
    }

    /**
     * Every parameter path that names an array used at more than one place, with all the paths of
     * that array: a block added twice (one {@code Linear} applied at two positions), or one {@link
     * Parameter} held by two blocks. DJL lists such an array once per place it sits in the tree.
     */
    private static Map<String, List<String>> places(Block block) {
        Map<Parameter, List<String>> paths = new IdentityHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            paths.computeIfAbsent(p.getValue(), k -> new ArrayList<>()).add(p.getKey());
        }
        Map<String, List<String>> shared = new HashMap<>();
        for (List<String> same : paths.values()) {
            if (same.size() > 1) {
                for (String path : same) {
                    shared.put(path, List.copyOf(same));
                }
            }
        }
        return shared;
    }

    /**
     * Why a node cannot be pruned because it touches a shared array: removing a channel at one
     * place (a member's rows, a consumer's input slice) would cut the same array at the others,
     * where other channels flow, so no channel choice is sound for all of them.
     */
    private static List<String> sharedReasons(
            ChannelGraph.Node node, Map<String, List<String>> places) {
        Set<String> touched = new LinkedHashSet<>();
        node.members.forEach(m -> touched.add(m.tensor()));
        node.companions.forEach(c -> touched.add(c.parameter()));
        node.consumers.forEach(c -> touched.add(c.parameter()));
        touched.addAll(node.frozen);
        Set<List<String>> seen = new HashSet<>();
        List<String> reasons = new ArrayList<>();
        for (String path : touched) {
            List<String> same = places.get(path);
            if (same == null) {
                continue;
            }
            List<String> blocks = same.stream().map(GroupDiscovery::blockOf).toList();
            if (seen.add(blocks)) {
                reasons.add(
                        "block "
                                + blocks.get(0)
                                + " is used at "
                                + blocks.size()
                                + " places ("
                                + String.join(", ", blocks)
                                + " share its arrays): removing a channel at one place would cut"
                                + " it at the others");
            }
        }
        return reasons;
    }

    private static boolean covers(String path, String parameter) {
        return parameter.equals(path) || parameter.startsWith(path + "_");
    }

    private static String blockOf(GroupMember member) {
        return blockOf(member.tensor());
    }

    private static String blockOf(String tensor) {
        int cut = tensor.lastIndexOf('_');
        return cut < 0 ? tensor : tensor.substring(0, cut);
    }

    private static String uniqueName(String base, Set<String> taken) {
        String name = base;
        for (int i = 2; !taken.add(name); i++) {
            name = base + "#" + i;
        }
        return name;
    }

    /** Configures a {@link GroupDiscovery}. */
    public static final class Builder {

        private final List<String> unprunable = new ArrayList<>();
        private final LayerRegistry.Builder layers = LayerRegistry.builder();
        private boolean strict;
        private long probeSeed = PROBE_SEED;

        private Builder() {}

        /**
         * Marks blocks or parameters unprunable by path: a parameter path such as {@code
         * 01Conv2d_weight}, or a block path such as {@code 02SequentialBlock_01Conv2d} (every group
         * with a member under it is left unprunable).
         *
         * @param paths the paths, each must name a parameter or block of the model
         * @return this builder
         */
        public Builder optUnprunable(String... paths) {
            for (String p : paths) {
                if (p == null || p.isBlank()) {
                    throw new IllegalArgumentException(
                            "unprunable paths must be parameter or block paths, got '" + p + "'");
                }
                unprunable.add(p);
            }
            return this;
        }

        /**
         * Teaches the library a block type it does not know (or replaces the built-in support for
         * one): discovery traces it, and since the report carries the registry, {@code Compaction},
         * {@code BlockCost} and {@code BlockMacs} rebuild and count it too.
         *
         * @param support the layer support, not null
         * @return this builder
         * @throws IllegalArgumentException as {@link LayerRegistry.Builder#optLayer}: a support
         *     naming no concrete class, or a second support for the same class
         */
        public Builder optLayer(LayerSupport<?> support) {
            layers.optLayer(support);
            return this;
        }

        /**
         * Whether an unsupported block throws {@link UnsupportedBlockException} instead of being
         * reported and left unprunable. Default false.
         *
         * @param strict true to throw
         * @return this builder
         */
        public Builder optStrict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /**
         * Sets the seed of the random inputs the probes run lambdas and joins on. The verdicts do
         * not depend on it for the operations discovery accepts (every pair of channels is probed
         * on every input); tests vary it to show that.
         *
         * @param seed the seed, default a fixed constant
         * @return this builder
         */
        public Builder optProbeSeed(long seed) {
            this.probeSeed = seed;
            return this;
        }

        /**
         * Builds the discovery.
         *
         * @return the discovery
         */
        public GroupDiscovery build() {
            return new GroupDiscovery(this);
        }
    }
}
