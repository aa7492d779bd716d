/**
 * Compute cost as a function of how many channels each node group keeps: the {@link
 * ai.hesso.core.cost.CostModel} an engine hands the driver for a MAC budget ({@code
 * HessoSettings.Builder#optTargetMacs}), its layer-by-layer form {@link
 * ai.hesso.core.cost.LayerMacModel}, and {@link ai.hesso.core.cost.ChannelCosts}, which binds a
 * model to the driver's channel numbering and says what removing channels saves.
 *
 * <p>Engine-free: an adapter builds the layer terms from its own layer walk (for DJL, {@code
 * ai.hesso.djl.cost.BlockMacs}); the core only evaluates them. The selection that spends the budget
 * is {@link ai.hesso.core.selection.MacBudgetSelection}; {@code docs/algorithm-macs.md} explains
 * the rule.
 */
package ai.hesso.core.cost;
