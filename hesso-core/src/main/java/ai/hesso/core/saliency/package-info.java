/**
 * Saliency scores: the criteria that rank channels (lower is more redundant) and their normalised,
 * weighted mix (spec section 3).
 */
package ai.hesso.core.saliency;
