package ai.hesso.djl.compact;

/**
 * How {@link Compaction} treats the optimizer it is given. The default refuses a run whose pruning
 * has not completed: such a model is only partly pruned (a run stopped at step 40 of a 240-step
 * schedule compacts to a tenth of its target), which is rarely what anyone wants and easy to miss.
 *
 * <pre>{@code
 * CompactionOptions anyway = CompactionOptions.builder().optAllowUnfinished(true).build();
 * Compaction.compact(block, report, hesso, anyway, inputShape);
 * }</pre>
 */
public final class CompactionOptions {

    private static final CompactionOptions DEFAULTS = builder().build();

    private final boolean allowUnfinished;

    private CompactionOptions(Builder builder) {
        this.allowUnfinished = builder.allowUnfinished;
    }

    /**
     * Returns the default options: an unfinished run is refused.
     *
     * @return the defaults
     */
    public static CompactionOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder.
     *
     * @return a builder with the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether a run whose pruning has not completed is compacted anyway, removing only the channels
     * pruned so far.
     *
     * @return true when allowed
     */
    public boolean allowUnfinished() {
        return allowUnfinished;
    }

    @Override
    public String toString() {
        return "CompactionOptions[allowUnfinished=" + allowUnfinished + "]";
    }

    /** Builds {@link CompactionOptions}; every setting is optional. */
    public static final class Builder {

        private boolean allowUnfinished;

        private Builder() {}

        /**
         * Sets whether a run whose pruning has not completed ({@code
         * HessoOptimizer.pruningComplete()} false) is compacted anyway, removing only the channels
         * pruned so far (a warning is logged). By default it is refused.
         *
         * @param allow whether to allow it, default false
         * @return this builder
         */
        public Builder optAllowUnfinished(boolean allow) {
            this.allowUnfinished = allow;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public CompactionOptions build() {
            return new CompactionOptions(this);
        }
    }
}
