package ai.hesso.djl.engine;

/**
 * What the parameter arrays say about the pruned channels: how many there are in the core's
 * bookkeeping and how many are exactly zero in every member tensor.
 *
 * @param pruned the pruned channels of the masks that were checked
 * @param zero how many of them are exactly zero in the arrays
 * @param firstNonZero the first pruned channel that is not zero, e.g. {@code group 'fc1' channel
 *     3}, or null when all are
 */
public record PrunedCheck(int pruned, int zero, String firstNonZero) {

    /**
     * Whether the arrays agree with the bookkeeping.
     *
     * @return true when every pruned channel is exactly zero
     */
    public boolean agrees() {
        return zero == pruned;
    }
}
