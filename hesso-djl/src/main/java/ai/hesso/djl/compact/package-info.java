/**
 * Compaction: turns a model whose pruned channels are zero into a smaller model without them.
 *
 * <p>{@link ai.hesso.djl.compact.Compaction} takes an initialized block, its {@link
 * ai.hesso.djl.discovery.DiscoveryReport} and the channels to remove ({@link
 * ai.hesso.djl.compact.ChannelSelection}: a {@link ai.hesso.djl.HessoOptimizer}'s pruned channels,
 * refused until its pruning is complete unless {@link ai.hesso.djl.compact.CompactionOptions} allow
 * it; given per group; or every channel whose member rows are exactly zero), rebuilds the block
 * tree with fewer units, filters and norm channels, cuts every consumer's input slice, copies the
 * kept values exactly and returns a {@link ai.hesso.djl.compact.CompactModel}: a DJL {@link
 * ai.djl.Model} ready for inference with a {@link ai.hesso.djl.compact.CompactionReport} of
 * channels, parameters and multiply-accumulates before and after. {@link
 * ai.hesso.djl.compact.CompactModel#save} and {@link ai.hesso.djl.compact.CompactModels#load} store
 * and restore it (see {@code docs/compaction.md}).
 */
package ai.hesso.djl.compact;
