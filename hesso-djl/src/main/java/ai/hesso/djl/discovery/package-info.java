/**
 * Node-group discovery for DJL blocks: hand {@link ai.hesso.djl.discovery.GroupDiscovery} an
 * initialized {@link ai.djl.nn.Block} and its input shapes, get the zero-invariant node groups
 * (Only-Train-Once's automatic grouping, HESSO arXiv 2409.09085 section 1), the consumer slices
 * compaction must cut, and a line per block or parameter left unprunable.
 *
 * <p>Each supported DJL layer type has one small handler (in the spirit of Torch-Pruning's
 * per-layer pruners), DJL's attention and transformer encoder blocks included (whole heads are node
 * groups); lambdas and parallel joins are identified by black-box probes on every pair of channels,
 * never by name. Teach discovery a layer type of your own with a {@link
 * ai.hesso.djl.discovery.LayerHandler} registered on {@link
 * ai.hesso.djl.discovery.GroupDiscovery.Builder#optHandler}. Every group names the blocks that
 * produce and consume its channels ({@link ai.hesso.djl.discovery.GroupBlocks}), so compaction can
 * rebuild them. {@link ai.hesso.djl.discovery.SanityCheck} verifies zero-invariance numerically on
 * the user's own model.
 */
package ai.hesso.djl.discovery;
