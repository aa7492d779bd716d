package ai.hesso.examples.demo;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import java.util.Iterator;
import java.util.Random;
import java.util.stream.LongStream;

/**
 * A shuffling sampler with its own seeded random source: epoch {@code e} of two samplers built with
 * the same seed visits the records in the same order, whatever else draws random numbers. DJL's
 * {@code RandomSampler} draws from a global source instead. {@link #restart()} goes back to the
 * first epoch's order, so a second model can be trained on the same batches.
 */
public final class SeededSampler implements Sampler.SubSampler {

    private final long seed;
    private Random random;

    /**
     * Creates the sampler.
     *
     * @param seed the seed of the permutations
     */
    public SeededSampler(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** Starts the sequence of permutations again from the seed. */
    public void restart() {
        random = new Random(seed);
    }

    /**
     * Returns the indices of the dataset in a fresh random order (Fisher-Yates); each call
     * continues the seeded sequence, so each epoch is shuffled differently.
     *
     * @param dataset the dataset
     * @return the shuffled indices {@code 0 .. size - 1}
     */
    @Override
    public Iterator<Long> sample(RandomAccessDataset dataset) {
        long[] order = LongStream.range(0, dataset.size()).toArray();
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return LongStream.of(order).iterator();
    }
}
