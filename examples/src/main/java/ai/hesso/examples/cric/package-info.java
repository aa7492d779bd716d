/**
 * {@code hesso cric}: plain HESSO against HESSO-CRIC on Fashion-MNIST with the same model, seeds,
 * batches and step budget, measuring the test accuracy right after pruning and at the end. The
 * settings and their derived schedules ({@link ai.hesso.examples.cric.CricBenchSettings}), the
 * models it knows ({@link ai.hesso.examples.cric.CricBenchModels}), one training run ({@link
 * ai.hesso.examples.cric.CricBenchRun}) and its numbers ({@link
 * ai.hesso.examples.cric.CricBenchResult}).
 */
package ai.hesso.examples.cric;
