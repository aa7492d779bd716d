package ai.hesso.examples.bench.accuracy;

import java.util.Locale;
import java.util.Objects;

/**
 * One training run of the benchmark.
 *
 * @param model the model name (see {@link BenchModels})
 * @param method the method
 * @param sparsity the target group sparsity, 0 for {@link Method#DENSE}
 * @param seed the seed of the weights, the shuffling and random pruning
 */
public record Trial(String model, Method method, double sparsity, int seed) {

    /**
     * Validates the trial.
     *
     * @param model the model
     * @param method the method
     * @param sparsity the sparsity
     * @param seed the seed
     */
    public Trial {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(method, "method");
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("sparsity must be in [0, 1), got " + sparsity);
        }
    }

    /**
     * Returns a short label for progress messages.
     *
     * @return e.g. {@code fashion-cnn hesso 0.70 seed 1}
     */
    public String label() {
        return method.prunes()
                ? String.format(
                        Locale.ROOT, "%s %s %.2f seed %d", model, method.label(), sparsity, seed)
                : String.format(Locale.ROOT, "%s %s seed %d", model, method.label(), seed);
    }
}
