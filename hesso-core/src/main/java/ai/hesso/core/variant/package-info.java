/**
 * The update directions HESSO wraps (spec section 2): SGD with momentum and dampening, Adam and
 * AdamW, as settings plus a plain-Java reference implementation.
 */
package ai.hesso.core.variant;
