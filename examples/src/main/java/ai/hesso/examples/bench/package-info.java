/**
 * The {@code hesso bench} measurement: HESSO-Adam's training-step time against DJL's Adam on the
 * same model and batches, interleaved in one run.
 */
package ai.hesso.examples.bench;
