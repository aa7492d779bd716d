/**
 * The pruning baselines HESSO is measured against, on the same node groups: the steps of the
 * classic prune-then-fine-tune pipelines, split by concern as in Torch-Pruning.
 *
 * <ul>
 *   <li>{@link ai.hesso.examples.bench.baselines.ChannelImportance}: one score per channel of a
 *       node group, lower is more redundant; {@link
 *       ai.hesso.examples.bench.baselines.GroupMagnitudeImportance} (the L2 norm over all member
 *       rows of a channel) and {@link ai.hesso.examples.bench.baselines.RandomImportance} (seeded
 *       uniform scores, the floor); {@link
 *       ai.hesso.examples.bench.baselines.SquaredMagnitudeImportance} (Torch-Pruning's {@code p=2}
 *       sum of squares, {@code bias=False}) and {@link
 *       ai.hesso.examples.bench.baselines.MeanNormalization} (its {@code normalizer='mean'});
 *   <li>{@link ai.hesso.examples.bench.baselines.GlobalRanking}: the lowest-scoring channels over
 *       all groups to a total count, never emptying a group; {@link
 *       ai.hesso.examples.bench.baselines.PerGroupRanking}: the same fraction from every group;
 *   <li>{@link ai.hesso.examples.bench.baselines.MacBudget}: the cost model asked for the MACs of a
 *       removal, and a bisection for the smallest count (per group, or along the global ranking)
 *       that meets a MAC budget;
 *   <li>{@link ai.hesso.examples.bench.baselines.IterativeSchedule}: at which steps how many
 *       channels are removed (one step is one-shot pruning), a pure function of the step;
 *   <li>{@link ai.hesso.examples.bench.baselines.RemovalMasks}: zeroes the member rows of removed
 *       channels and keeps them zero after every optimizer step, which trains exactly the smaller
 *       network;
 *   <li>{@link ai.hesso.examples.bench.baselines.MagnitudePruner}: the driver that ties them
 *       together, called once after every optimizer step.
 * </ul>
 */
package ai.hesso.examples.bench.baselines;
