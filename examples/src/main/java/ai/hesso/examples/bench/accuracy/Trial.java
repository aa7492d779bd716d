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
 * @param macBudget the fraction of the dense MACs to keep ({@code bench frontier}), in {@code (0,
 *     1)}, or 0 for none; with a budget, the per-group methods find their count from it and {@code
 *     sparsity} is 0
 */
public record Trial(String model, Method method, double sparsity, int seed, double macBudget) {

    /**
     * Validates the trial.
     *
     * @param model the model
     * @param method the method
     * @param sparsity the sparsity
     * @param seed the seed
     * @param macBudget the MAC budget, 0 for none
     */
    public Trial {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(method, "method");
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("sparsity must be in [0, 1), got " + sparsity);
        }
        if (!(macBudget >= 0 && macBudget < 1)) {
            throw new IllegalArgumentException(
                    "macBudget must be in (0, 1), or 0 for none, got " + macBudget);
        }
    }

    /**
     * A trial without a MAC budget ({@code bench accuracy}).
     *
     * @param model the model
     * @param method the method
     * @param sparsity the sparsity
     * @param seed the seed
     */
    public Trial(String model, Method method, double sparsity, int seed) {
        this(model, method, sparsity, seed, 0);
    }

    /**
     * Returns a short label for progress messages.
     *
     * @return e.g. {@code fashion-cnn hesso 0.70 seed 1}, or {@code fashion-cnn hesso-macs macs
     *     0.20 seed 1} with a budget
     */
    public String label() {
        if (macBudget > 0) {
            return String.format(
                    Locale.ROOT, "%s %s macs %.2f seed %d", model, method.label(), macBudget, seed);
        }
        return method.prunes()
                ? String.format(
                        Locale.ROOT, "%s %s %.2f seed %d", model, method.label(), sparsity, seed)
                : String.format(Locale.ROOT, "%s %s seed %d", model, method.label(), seed);
    }
}
