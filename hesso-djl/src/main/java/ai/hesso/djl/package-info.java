/**
 * HESSO as a drop-in DJL {@link ai.djl.training.optimizer.Optimizer}: {@link
 * ai.hesso.djl.HessoOptimizer} executes the core's plans with NDArray operations, so the engine
 * (PyTorch, on the GPU when there is one) does all tensor math.
 */
package ai.hesso.djl;
