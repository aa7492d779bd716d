/**
 * The pruning baselines HESSO is measured against, on the same node groups: the steps of the
 * classic prune-then-fine-tune pipelines, split by concern as in Torch-Pruning.
 *
 * <ul>
 *   <li>{@link ai.hesso.examples.bench.baselines.ChannelImportance}: one score per channel of a
 *       node group, lower is more redundant; {@link
 *       ai.hesso.examples.bench.baselines.GroupMagnitudeImportance} (the L2 norm over all member
 *       rows of a channel) and {@link ai.hesso.examples.bench.baselines.RandomImportance} (seeded
 *       uniform scores, the floor);
 *   <li>{@link ai.hesso.examples.bench.baselines.GlobalRanking}: the lowest-scoring channels over
 *       all groups to a total count, never emptying a group;
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
