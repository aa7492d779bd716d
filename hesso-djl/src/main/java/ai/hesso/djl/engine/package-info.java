/**
 * The engine side of HESSO: executing the core's step plans with NDArray operations. {@link
 * ai.hesso.djl.engine.PlanExecutor} runs one tensor's plan (snapshot, restore, update, row masks,
 * gradient clearing) and owns the engine state, keyed by {@link ai.hesso.djl.engine.TensorSlot}
 * (parameter path and device): each slot's update direction (momentum buffer or Adam moments and
 * their update count), CRIC's snapshots and the per-group row masks. The channel statistics the
 * core scores with are reduced here too, on the engine, with only three length-N vectors copied to
 * the host at scoring steps.
 */
package ai.hesso.djl.engine;
