/**
 * Node-group discovery for DJL blocks: hand {@link ai.hesso.djl.discovery.GroupDiscovery} an
 * initialized {@link ai.djl.nn.Block} and its input shapes, get the zero-invariant node groups
 * (Only-Train-Once's automatic grouping, HESSO arXiv 2409.09085 section 1), the consumer slices
 * compaction must cut, and a line per block or parameter left unprunable.
 *
 * <p>Discovery holds no per-type code: each supported block type has one {@link
 * ai.hesso.djl.layers.LayerSupport} in {@code ai.hesso.djl.layers} (in the spirit of
 * Torch-Pruning's per-layer pruners) whose {@code trace} uses the public API of {@link
 * ai.hesso.djl.discovery.DiscoveryContext}; DJL's attention and transformer encoder blocks included
 * (whole heads are node groups). Lambdas and parallel joins are identified by black-box {@link
 * ai.hesso.djl.discovery.Probes} on every pair of channels, never by name. Teach the library a
 * block type of your own with {@link ai.hesso.djl.discovery.GroupDiscovery.Builder#optLayer}. Every
 * group names the blocks that produce and consume its channels ({@link
 * ai.hesso.djl.discovery.GroupBlocks}), so compaction can rebuild them. {@link
 * ai.hesso.djl.discovery.SanityCheck} verifies zero-invariance numerically on the user's own model.
 */
package ai.hesso.djl.discovery;
