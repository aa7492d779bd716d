package ai.hesso.examples.bench.baselines;

import ai.djl.ndarray.NDArray;
import ai.hesso.core.group.NodeGroup;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Uniform random scores in {@code [0, 1)} from a seeded generator, ignoring the weights: ranked by
 * {@link GlobalRanking}, they select a uniformly random set of channels. The floor every pruning
 * criterion must clear. The same seed and the same sequence of calls give the same scores.
 */
public final class RandomImportance implements ChannelImportance {

    private final SplittableRandom random;

    /**
     * Creates the criterion.
     *
     * @param seed the seed of the generator
     */
    public RandomImportance(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** {@inheritDoc} */
    @Override
    public double[] scores(NodeGroup group, Function<String, NDArray> tensors) {
        Objects.requireNonNull(group, "group");
        double[] out = new double[group.channels()];
        for (int i = 0; i < out.length; i++) {
            out[i] = random.nextDouble();
        }
        return out;
    }
}
