/**
 * Choosing redundant channels: global lowest-score selection with deterministic ties, and the
 * {@code groupDivisible} rounding of each node group's remaining channel count (spec section 6).
 */
package ai.hesso.core.selection;
