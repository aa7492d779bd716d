package ai.hesso.djl;

/** Static entry points, in DJL's style ({@code Optimizer.adam()}): {@code Hesso.builder()}. */
public final class Hesso {

    private Hesso() {}

    /**
     * Starts building a HESSO optimizer.
     *
     * @return a builder
     */
    public static HessoOptimizer.Builder builder() {
        return HessoOptimizer.builder();
    }
}
