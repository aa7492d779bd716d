package ai.hesso.examples.bench;

import java.util.List;
import java.util.Objects;

/**
 * Times several ways of running the same model (the zeroed DJL block, the compact one, the folded
 * compact one, the exported file in ONNX Runtime) round by round: after untimed warm-up rounds,
 * each round times one sample of every contender, starting each round with the next contender so
 * that none is always first. A contender's speed is given as the median over rounds of the ratio
 * reference time / its time, the reference being the first contender (the zeroed model), so that
 * slow drifts of the machine's load cancel out as in {@link PairedInference}.
 */
public final class InferenceRounds {

    /** One way of running the model: a sample of {@code calls} forward passes on one batch. */
    @FunctionalInterface
    public interface Contender {
        /**
         * Runs the forward passes.
         *
         * @param calls how many passes in a row
         * @throws Exception if a pass fails
         */
        void run(int calls) throws Exception;
    }

    private final int warmupRounds;
    private final int rounds;

    /**
     * Creates the timer.
     *
     * @param warmupRounds untimed rounds first, at least 0
     * @param rounds timed rounds, at least 1
     * @throws IllegalArgumentException if a count is out of range
     */
    public InferenceRounds(int warmupRounds, int rounds) {
        if (warmupRounds < 0 || rounds < 1) {
            throw new IllegalArgumentException(
                    "need warm-up rounds >= 0 and timed rounds >= 1, got "
                            + warmupRounds
                            + " and "
                            + rounds);
        }
        this.warmupRounds = warmupRounds;
        this.rounds = rounds;
    }

    /**
     * The sample times of one batch size, one row per contender, paired by round.
     *
     * @param batchSize the images per pass
     * @param callsPerSample the passes per sample
     * @param names the contenders' names, the reference first
     * @param ms the sample times in milliseconds, {@code ms[contender][round]}
     */
    public record Timing(int batchSize, int callsPerSample, List<String> names, double[][] ms) {

        /**
         * Copies the arrays and checks their sizes.
         *
         * @param batchSize the batch size
         * @param callsPerSample the passes per sample
         * @param names the names
         * @param ms the times
         * @throws IllegalArgumentException if the rows do not match the names or each other
         */
        public Timing {
            names = List.copyOf(names);
            ms = ms.clone();
            if (ms.length != names.size() || ms.length == 0) {
                throw new IllegalArgumentException(
                        ms.length + " rows of times for " + names.size() + " contenders");
            }
            for (int i = 0; i < ms.length; i++) {
                ms[i] = ms[i].clone();
                if (ms[i].length != ms[0].length) {
                    throw new IllegalArgumentException("rows of times differ in length");
                }
            }
        }

        /**
         * Returns a contender's median sample time.
         *
         * @param contender its index
         * @return milliseconds per sample
         */
        public double medianMs(int contender) {
            return StepBench.Result.median(ms[contender]);
        }

        /**
         * Returns a contender's throughput at its median sample time.
         *
         * @param contender its index
         * @return images per second
         */
        public double imagesPerSecond(int contender) {
            return (double) batchSize * callsPerSample * 1000.0 / medianMs(contender);
        }

        /**
         * Returns the median over rounds of the reference's time / the contender's time.
         *
         * @param contender its index
         * @return the speedup over the reference, 1 for the reference itself
         */
        public double speedup(int contender) {
            double[] ratios = new double[ms[0].length];
            for (int r = 0; r < ratios.length; r++) {
                ratios[r] = ms[0][r] / ms[contender][r];
            }
            return StepBench.Result.median(ratios);
        }
    }

    /**
     * Times the contenders.
     *
     * @param batchSize the images per pass, for the throughput
     * @param callsPerSample passes per sample, at least 1
     * @param names the contenders' names
     * @param contenders the contenders, the reference first
     * @return the times
     * @throws Exception if a contender fails
     */
    public Timing time(
            int batchSize, int callsPerSample, List<String> names, List<Contender> contenders)
            throws Exception {
        Objects.requireNonNull(contenders, "contenders");
        int n = contenders.size();
        for (int r = 0; r < warmupRounds; r++) {
            for (Contender c : contenders) {
                c.run(callsPerSample);
            }
        }
        double[][] ms = new double[n][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < n; k++) {
                int i = (r + k) % n;
                long start = System.nanoTime();
                contenders.get(i).run(callsPerSample);
                ms[i][r] = (System.nanoTime() - start) / 1e6;
            }
        }
        return new Timing(batchSize, callsPerSample, names, ms);
    }
}
