/**
 * The MAC cost model of a DJL block, for pruning to a compute budget ({@code
 * HessoSettings.Builder#optTargetMacs}): {@link ai.hesso.djl.cost.BlockMacs} turns the layer costs
 * that compaction counts ({@link ai.hesso.djl.compact.BlockCost}) and the node groups that
 * discovery finds into the core's {@link ai.hesso.core.cost.LayerMacModel}, so that the MACs the
 * optimizer budgets are exactly those the compact model's report shows.
 */
package ai.hesso.djl.cost;
