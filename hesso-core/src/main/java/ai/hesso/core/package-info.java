/**
 * The HESSO driver: it owns the pruning state and, each step, tells an engine adapter what to
 * compute and which rows to scale or zero. The core decides, the engine computes; no tensor library
 * type appears here.
 *
 * <p>Algorithm: HESSO, "Hybrid Efficient Structured Sparse Optimizer" (Chen et al., arXiv
 * 2409.09085), with its corrective redundant identification cycle (CRIC). Every formula, and every
 * deviation from the paper and from OTO's reference code, is written out in the repository's {@code
 * docs/algorithm.md}.
 */
package ai.hesso.core;
