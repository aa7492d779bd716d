/**
 * The HESSO period schedule as pure functions of the step: warm-up, period starts, per-period
 * quotas and the projection factors that shrink redundant channels to zero (spec section 4).
 */
package ai.hesso.core.schedule;
