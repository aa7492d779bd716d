/**
 * Replays HESSO on given tensors and a given sequence of gradients: {@link ai.hesso.replay.Replay}
 * runs the real DJL {@link ai.hesso.djl.HessoOptimizer} in float64 and reports the final tensors
 * and pruned channels; {@link ai.hesso.replay.ReplayJson} reads and writes the JSON format
 * described in {@code docs/replay.md}.
 */
package ai.hesso.replay;
