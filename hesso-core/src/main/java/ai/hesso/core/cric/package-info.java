/**
 * CRIC, the corrective redundant identification cycle (spec section 5): probing each node group's
 * loss sensitivity, sampling scores in corrective cycles, and the final vote.
 */
package ai.hesso.core.cric;
