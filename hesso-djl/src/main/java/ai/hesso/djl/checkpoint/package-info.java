/**
 * Saving and resuming a HESSO run: the room for the optimizer checkpoint (its file format, atomic
 * writes and the training listener that writes it beside DJL's model checkpoints).
 *
 * <p>What a checkpoint stores already has one home each: everything the core decides from is {@link
 * ai.hesso.core.DriverState} (restored by {@link ai.hesso.core.HessoDriver#HessoDriver(
 * ai.hesso.core.HessoSettings, java.util.List, ai.hesso.core.DriverState)}), and the engine's state
 * (each {@link ai.hesso.djl.engine.TensorSlot}'s momentum or Adam moments with their update count,
 * CRIC's snapshots) is owned by {@link ai.hesso.djl.engine.PlanExecutor}. The classes that write
 * and read them together land here.
 */
package ai.hesso.djl.checkpoint;
