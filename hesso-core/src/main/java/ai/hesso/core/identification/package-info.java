/**
 * How HESSO identifies redundant channels and projects them to zero: the periodic schedule of plain
 * HESSO ({@link ai.hesso.core.identification.PeriodicIdentification}, spec section 4) and CRIC's
 * probe, corrective cycles and vote ({@link ai.hesso.core.identification.CricIdentification}, spec
 * section 5), with the per-channel states both act on.
 *
 * <p>{@link ai.hesso.core.HessoDriver} owns one {@link ai.hesso.core.identification.Identification}
 * per run; engines talk to the driver, not to these classes. Everything an identification decides
 * from is exported by {@link ai.hesso.core.identification.Identification#progress()} and the
 * channel states, and restored by {@link ai.hesso.core.identification.Identification#restore}: that
 * is what a checkpoint stores.
 */
package ai.hesso.core.identification;
