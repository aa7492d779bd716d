/**
 * What the library knows about each block type, one class per type: the {@link
 * ai.hesso.djl.layers.LayerSupport} extension point (trace for discovery, parameters and MACs,
 * width and rebuild for compaction) and the {@link ai.hesso.djl.layers.LayerRegistry} that holds
 * the built-in supports and the user's.
 *
 * <p>Discovery ({@code ai.hesso.djl.discovery}), the cost walk ({@code compact.BlockCost}), MAC
 * budgets ({@code cost.BlockMacs}) and compaction ({@code compact.Compaction}) hold no per-type
 * code: they ask the registry. Adding a DJL block type is one class here and one line in {@link
 * ai.hesso.djl.layers.LayerRegistry.Builder}; a user's block type is one class registered with
 * {@code GroupDiscovery.builder().optLayer(..)}. The supports use the public tracing API of {@link
 * ai.hesso.djl.discovery.DiscoveryContext}, so this package and discovery know each other: the
 * registry is the one door between them.
 */
package ai.hesso.djl.layers;
