package ai.hesso.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.Objects;

/**
 * Times inference (a forward pass in inference mode, batch norm using its running statistics) of
 * two blocks side by side: after untimed warm-up rounds, each round times one sample of the dense
 * block and one of the compact block on the same input, alternating which goes first, so that both
 * see the same machine load. The speedup is the median of the per-round ratios dense time / compact
 * time, so slow drifts in the load cancel out.
 *
 * <p>A sample is {@code callsPerSample} forward passes in a row, so that a sample at batch size 1
 * lasts long enough for the clock. Each pass runs in its own sub-manager that is closed right after
 * it, freeing the intermediate arrays as a serving loop would.
 */
public final class PairedInference {

    private final int warmupRounds;
    private final int rounds;

    /**
     * Creates the timer.
     *
     * @param warmupRounds untimed rounds first, at least 0
     * @param rounds timed rounds, at least 1
     * @throws IllegalArgumentException if a count is out of range
     */
    public PairedInference(int warmupRounds, int rounds) {
        if (warmupRounds < 0) {
            throw new IllegalArgumentException(
                    "warm-up rounds must be at least 0, got " + warmupRounds);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("timed rounds must be at least 1, got " + rounds);
        }
        this.warmupRounds = warmupRounds;
        this.rounds = rounds;
    }

    /**
     * The measured sample times of one batch size, paired by round.
     *
     * @param batchSize the images per forward pass
     * @param callsPerSample the forward passes per sample
     * @param denseMs the dense block's sample times in milliseconds, one per round
     * @param compactMs the compact block's sample times, paired with {@code denseMs}
     */
    public record Timing(int batchSize, int callsPerSample, double[] denseMs, double[] compactMs) {

        /**
         * Copies the arrays.
         *
         * @param batchSize the batch size
         * @param callsPerSample the passes per sample
         * @param denseMs the dense times
         * @param compactMs the compact times
         * @throws IllegalArgumentException if the arrays differ in length
         */
        public Timing {
            denseMs = denseMs.clone();
            compactMs = compactMs.clone();
            if (denseMs.length != compactMs.length) {
                throw new IllegalArgumentException(
                        denseMs.length + " dense samples but " + compactMs.length + " compact");
            }
        }

        /**
         * Returns the median dense sample time.
         *
         * @return milliseconds per sample
         */
        public double denseMedianMs() {
            return StepBench.Result.median(denseMs);
        }

        /**
         * Returns the median compact sample time.
         *
         * @return milliseconds per sample
         */
        public double compactMedianMs() {
            return StepBench.Result.median(compactMs);
        }

        /**
         * Returns the dense block's throughput at its median sample time.
         *
         * @return images per second
         */
        public double denseImagesPerSecond() {
            return imagesPerSample() * 1000.0 / denseMedianMs();
        }

        /**
         * Returns the compact block's throughput at its median sample time.
         *
         * @return images per second
         */
        public double compactImagesPerSecond() {
            return imagesPerSample() * 1000.0 / compactMedianMs();
        }

        /**
         * Returns the median of the paired ratios dense time / compact time.
         *
         * @return the speedup of the compact block, above 1 when it is faster
         */
        public double speedup() {
            double[] ratios = new double[denseMs.length];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = denseMs[i] / compactMs[i];
            }
            return StepBench.Result.median(ratios);
        }

        private long imagesPerSample() {
            return (long) batchSize * callsPerSample;
        }
    }

    /**
     * Times the two blocks on one input.
     *
     * @param dense the zeroed, full-size block
     * @param compact the compact block
     * @param input one batch, batch axis first; its first axis is the batch size
     * @param callsPerSample forward passes per timed sample, at least 1
     * @return the paired sample times
     */
    public Timing time(Block dense, Block compact, NDArray input, int callsPerSample) {
        Objects.requireNonNull(dense, "dense");
        Objects.requireNonNull(compact, "compact");
        if (callsPerSample < 1) {
            throw new IllegalArgumentException(
                    "calls per sample must be at least 1, got " + callsPerSample);
        }
        for (int r = 0; r < warmupRounds; r++) {
            sample(dense, input, callsPerSample);
            sample(compact, input, callsPerSample);
        }
        double[] d = new double[rounds];
        double[] c = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            if (r % 2 == 0) {
                d[r] = sample(dense, input, callsPerSample);
                c[r] = sample(compact, input, callsPerSample);
            } else {
                c[r] = sample(compact, input, callsPerSample);
                d[r] = sample(dense, input, callsPerSample);
            }
        }
        return new Timing(Math.toIntExact(input.getShape().get(0)), callsPerSample, d, c);
    }

    /** Runs {@code calls} forward passes and returns their wall time in milliseconds. */
    private static double sample(Block block, NDArray input, int calls) {
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            // the forward pass's arrays are made on the input's manager: borrow it for one pass
            try (NDManager pass = input.getManager().newSubManager()) {
                input.tempAttach(pass);
                block.forward(new ParameterStore(pass, false), new NDList(input), false);
            }
        }
        return (System.nanoTime() - start) / 1e6;
    }
}
