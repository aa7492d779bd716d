/**
 * {@code hesso bench accuracy}: HESSO against dense training and the baselines users would run
 * instead, on real Fashion-MNIST with the same split, seeds, epoch budget and node groups.
 *
 * <p>{@link ai.hesso.examples.bench.accuracy.AccuracyBench} plans one {@link
 * ai.hesso.examples.bench.accuracy.Trial} per model, seed, {@link
 * ai.hesso.examples.bench.accuracy.Method} and target sparsity, runs each with {@link
 * ai.hesso.examples.bench.accuracy.TrialRunner} (train, compact, evaluate the compact model), and
 * writes {@code results.json} ({@link ai.hesso.examples.bench.accuracy.ResultRow}), a terminal
 * table ({@link ai.hesso.examples.bench.accuracy.ResultsTable}) and one accuracy-versus-MACs plot
 * per model ({@link ai.hesso.examples.bench.accuracy.AccuracyPlot}). The pruning steps of the
 * baselines are the library's ({@code ai.hesso.examples.bench.baselines}).
 *
 * <p>{@code hesso bench frontier} ({@link ai.hesso.examples.bench.accuracy.FrontierBench}, {@link
 * ai.hesso.examples.bench.accuracy.FrontierSettings}) runs the same trial machinery with a MAC
 * budget on every trial: each method reaches the budget by its own rule, so the rows compare
 * accuracy at equal measured MACs.
 */
package ai.hesso.examples.bench.accuracy;
