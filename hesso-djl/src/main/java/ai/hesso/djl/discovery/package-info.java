/**
 * Node-group discovery for DJL blocks: hand {@link ai.hesso.djl.discovery.GroupDiscovery} an
 * initialized {@link ai.djl.nn.Block} and its input shapes, get the zero-invariant node groups
 * (Only-Train-Once's automatic grouping, HESSO arXiv 2409.09085 section 1), the consumer slices
 * compaction must cut, and a line per block or parameter left unprunable.
 *
 * <p>Each supported DJL layer type has one small handler (in the spirit of Torch-Pruning's
 * per-layer pruners); lambdas and parallel joins are identified by black-box probes, never by name.
 * {@link ai.hesso.djl.discovery.SanityCheck} verifies zero-invariance numerically on the user's own
 * model.
 */
package ai.hesso.djl.discovery;
