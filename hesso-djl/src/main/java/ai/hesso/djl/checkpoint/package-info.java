/**
 * Saving and resuming a HESSO run: {@link ai.hesso.djl.checkpoint.HessoCheckpoint} (the optimizer's
 * whole state as one value, its versioned file format with a SHA-256 checksum, written atomically),
 * {@link ai.hesso.djl.checkpoint.HessoCheckpoints} (the model's parameters and the HESSO state
 * together in a directory, with DJL's epoch naming, and the one-call resume) and {@link
 * ai.hesso.djl.checkpoint.HessoCheckpointListener} (saves them at epoch ends in {@code EasyTrain}).
 *
 * <p>What a checkpoint stores has one home each: everything the core decides from is {@link
 * ai.hesso.core.DriverState}, and the engine's state (each {@link ai.hesso.djl.engine.TensorSlot}'s
 * momentum or Adam moments with their update count, CRIC's snapshots) is {@link
 * ai.hesso.djl.engine.EngineState}. {@code docs/checkpoint.md} documents the file layout.
 */
package ai.hesso.djl.checkpoint;
