package ai.hesso.examples.bench.accuracy;

/**
 * One row of {@code results.json}: one trained, compacted and evaluated model.
 *
 * @param model the model name
 * @param method the method's label ({@code dense}, {@code hesso}, {@code hesso-cric}, {@code
 *     oneshot-l2}, {@code iterative-l2}, {@code random}, {@code scratch})
 * @param targetSparsity the target group sparsity, 0 for dense
 * @param seed the seed
 * @param testAccuracy the compact model's accuracy on the test images
 * @param params the compact model's parameter scalars (batch norm running statistics included)
 * @param flops the compact model's multiply-accumulates per image (MACs)
 * @param epochs the epochs of the budget
 * @param seconds the wall time of the training loop, evaluation and compaction excluded
 * @param maxAbsDiffCompactVsZeroed the largest absolute difference between the compact model's and
 *     the zeroed full model's outputs on the first test batch (for scratch, which is trained
 *     compact, between the model and its own compaction with nothing removed)
 * @param stepTimeRatio for HESSO rows, the training-loop time over dense's for the same model and
 *     seed in the same run (whole-loop wall time on a shared machine, not the paired step timing of
 *     {@code hesso bench}); null otherwise, and then left out of the JSON
 * @param steps the optimizer steps of the training loop
 * @param trainImages the training images used
 * @param testImages the test images used
 * @param prunableChannels the channels of the prunable node groups of the dense model
 * @param targetChannels the channels the target sparsity asks for, {@code floor(N * s)}
 * @param removedChannels the exactly-zero channels counted in the trained arrays (for scratch, the
 *     channels missing from its architecture)
 * @param denseParams the dense model's parameter scalars
 * @param denseFlops the dense model's MACs per image
 * @param macBudget the trial's MAC budget, the fraction of {@code denseFlops} to keep ({@code bench
 *     frontier}); null without one, and then left out of the JSON
 * @param rule how the method reached its target, in words ({@link Method#rule()})
 */
public record ResultRow(
        String model,
        String method,
        double targetSparsity,
        int seed,
        double testAccuracy,
        long params,
        long flops,
        int epochs,
        double seconds,
        double maxAbsDiffCompactVsZeroed,
        Double stepTimeRatio,
        int steps,
        int trainImages,
        int testImages,
        int prunableChannels,
        int targetChannels,
        int removedChannels,
        long denseParams,
        long denseFlops,
        Double macBudget,
        String rule) {

    /**
     * Returns a copy with the step-time ratio set.
     *
     * @param ratio the ratio
     * @return the copy
     */
    public ResultRow withStepTimeRatio(double ratio) {
        return new ResultRow(
                model,
                method,
                targetSparsity,
                seed,
                testAccuracy,
                params,
                flops,
                epochs,
                seconds,
                maxAbsDiffCompactVsZeroed,
                ratio,
                steps,
                trainImages,
                testImages,
                prunableChannels,
                targetChannels,
                removedChannels,
                denseParams,
                denseFlops,
                macBudget,
                rule);
    }
}
