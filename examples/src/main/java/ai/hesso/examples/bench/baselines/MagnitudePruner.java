package ai.hesso.examples.bench.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.hesso.core.group.NodeGroup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver of the prune-then-fine-tune baselines: call {@link #afterStep()} once after every
 * optimizer step ({@code trainer.step()}). When the {@link IterativeSchedule} says so, it scores
 * the channels still present with its {@link ChannelImportance}, extends the removal with {@link
 * GlobalRanking} to the scheduled count, and from then on keeps the removed rows zero with {@link
 * RemovalMasks}. With a one-iteration schedule this is one-shot pruning with fine-tuning; with
 * {@link RandomImportance} it is random pruning.
 *
 * <pre>{@code
 * MagnitudePruner pruner = MagnitudePruner.builder()
 *         .setBlock(block)
 *         .setGroups(report.prunableGroups().stream().map(DiscoveredGroup::group).toList())
 *         .setSchedule(new IterativeSchedule(start, end, 5, targetCount))
 *         .build();
 * for (Batch batch : trainer.iterateDataset(data)) {
 *     EasyTrain.trainBatch(trainer, batch);
 *     trainer.step();
 *     pruner.afterStep();
 * }
 * }</pre>
 */
public final class MagnitudePruner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MagnitudePruner.class);

    private final Block block;
    private final List<NodeGroup> groups;
    private final IterativeSchedule schedule;
    private final ChannelImportance importance;
    private final boolean perGroup;
    private final boolean normalize;
    private final MacBudget budget;
    private final double budgetFraction;
    private RemovalMasks masks;
    private int step;

    private MagnitudePruner(Builder builder) {
        this.block = builder.block;
        this.groups = List.copyOf(builder.groups);
        this.schedule = builder.schedule;
        this.importance = builder.importance;
        this.perGroup = builder.perGroup;
        this.normalize = builder.normalize;
        this.budget = builder.budget;
        this.budgetFraction = builder.budgetFraction;
        this.masks = RemovalMasks.of(block, groups, Map.of());
    }

    /**
     * Starts a builder.
     *
     * @return a builder; the block, groups and schedule are required, the importance defaults to
     *     {@link GroupMagnitudeImportance}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Advances the step count, removes channels when the schedule says so, and zeroes the removed
     * rows again.
     *
     * @return the removal that happened after this step (1-based), or 0 for none
     */
    public int afterStep() {
        step++;
        int removal = schedule.removalAt(step);
        if (removal > 0) {
            int count = schedule.countAfter(removal);
            Function<String, NDArray> tensors = name -> value(name);
            Map<String, double[]> scores = new LinkedHashMap<>();
            for (NodeGroup g : groups) {
                scores.put(g.name(), importance.scores(g, tensors));
            }
            Map<String, int[]> before = masks.removed();
            if (normalize) {
                scores = MeanNormalization.apply(scores, before);
            }
            Map<String, int[]> next;
            if (budget != null) {
                next = budget.extendGlobally(scores, before, goal(removal));
            } else if (perGroup) {
                next = PerGroupRanking.extend(groups, scores, before, count);
            } else {
                next = GlobalRanking.extend(scores, before, count);
            }
            RemovalMasks grown = RemovalMasks.of(block, groups, next);
            masks.close();
            masks = grown;
            LOG.debug(
                    "step {}: removal {} brings the removed channels to {}",
                    step,
                    removal,
                    masks.count());
        }
        masks.apply();
        return removal;
    }

    /**
     * The MACs removal {@code i} of {@code n} must reach: the dense MACs lowered linearly to the
     * budget, {@code dense - floor((dense - target) * i / n)}.
     */
    private long goal(int removal) {
        long dense = budget.denseCost();
        long target = budget.target(budgetFraction);
        return dense
                - (long) Math.floor((double) (dense - target) * removal / schedule.iterations());
    }

    /**
     * Returns the channels removed so far.
     *
     * @return group name to removed local channel indices
     */
    public Map<String, int[]> removed() {
        return masks.removed();
    }

    /**
     * Returns the number of steps seen.
     *
     * @return the calls of {@link #afterStep()}
     */
    public int step() {
        return step;
    }

    private NDArray value(String name) {
        Parameter p = block.getParameters().get(name);
        return p == null ? null : p.getArray();
    }

    /** Frees the masks. */
    @Override
    public void close() {
        masks.close();
    }

    /** Builds a {@link MagnitudePruner}: {@code setX} for what is required, {@code optX} else. */
    public static final class Builder {
        private Block block;
        private List<NodeGroup> groups;
        private IterativeSchedule schedule;
        private ChannelImportance importance = new GroupMagnitudeImportance();
        private boolean perGroup;
        private boolean normalize;
        private MacBudget budget;
        private double budgetFraction;

        private Builder() {}

        /**
         * Sets the block whose parameters are pruned; it must be initialized (e.g. by {@code
         * trainer.initialize}) before {@link #build()}.
         *
         * @param block the block
         * @return this builder
         */
        public Builder setBlock(Block block) {
            this.block = Objects.requireNonNull(block, "block");
            return this;
        }

        /**
         * Sets the prunable node groups, e.g. from a discovery report.
         *
         * @param groups the groups
         * @return this builder
         */
        public Builder setGroups(List<NodeGroup> groups) {
            this.groups = Objects.requireNonNull(groups, "groups");
            return this;
        }

        /**
         * Sets when how many channels are removed.
         *
         * @param schedule the schedule
         * @return this builder
         */
        public Builder setSchedule(IterativeSchedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /**
         * Sets the channel criterion.
         *
         * @param importance the criterion; default {@link GroupMagnitudeImportance}
         * @return this builder
         */
        public Builder optImportance(ChannelImportance importance) {
            this.importance = Objects.requireNonNull(importance, "importance");
            return this;
        }

        /**
         * Ranks within each group instead of across all groups: every group loses the same fraction
         * ({@link PerGroupRanking}, Torch-Pruning's {@code global_pruning=False}).
         *
         * @param perGroup true for per-group ranking; default false (global, {@link GlobalRanking})
         * @return this builder
         */
        public Builder optPerGroup(boolean perGroup) {
            this.perGroup = perGroup;
            return this;
        }

        /**
         * Divides each group's scores by their mean over the group's present channels before
         * ranking ({@link MeanNormalization}, Torch-Pruning's {@code normalizer='mean'}).
         *
         * @param normalize true to normalise; default false
         * @return this builder
         */
        public Builder optNormalizeByGroupMean(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /**
         * Removes channels to a MAC budget instead of a count: removal {@code i} of the schedule's
         * {@code n} extends the global ranking until the compact model costs at most {@code dense -
         * (dense - floor(fraction * dense)) * i / n} MACs ({@link MacBudget#extendGlobally}); the
         * schedule's target count is then not used (give 0).
         *
         * @param budget the cost model of this block's groups
         * @param fraction the fraction of the dense MACs to keep, in {@code (0, 1)}
         * @return this builder
         */
        public Builder optMacBudget(MacBudget budget, double fraction) {
            this.budget = Objects.requireNonNull(budget, "budget");
            budget.target(fraction); // validates the fraction
            this.budgetFraction = fraction;
            return this;
        }

        /**
         * Validates and builds the pruner.
         *
         * @return the pruner
         * @throws IllegalArgumentException naming the missing setting, an unprunable group, or a
         *     target count that would empty a group
         */
        public MagnitudePruner build() {
            if (block == null) {
                throw new IllegalArgumentException("the block is required: call setBlock(block)");
            }
            if (groups == null || groups.isEmpty()) {
                throw new IllegalArgumentException(
                        "at least one prunable node group is required: call setGroups(groups)");
            }
            if (schedule == null) {
                throw new IllegalArgumentException(
                        "the schedule is required: call setSchedule(schedule)");
            }
            int channels = 0;
            for (NodeGroup g : groups) {
                if (!g.prunable()) {
                    throw new IllegalArgumentException(
                            "node group '" + g.name() + "' is not prunable: " + g.reason());
                }
                channels += g.channels();
            }
            if (budget != null && perGroup) {
                throw new IllegalArgumentException(
                        "optMacBudget ranks globally; with optPerGroup(true) give the per-group"
                                + " count instead (MacBudget.perGroupCount)");
            }
            int most = channels - groups.size();
            if (schedule.targetCount() > most) {
                throw new IllegalArgumentException(
                        "targetCount "
                                + schedule.targetCount()
                                + " would empty a group: at most "
                                + most
                                + " of "
                                + channels
                                + " channels in "
                                + groups.size()
                                + " groups can be removed");
            }
            return new MagnitudePruner(this);
        }
    }
}
