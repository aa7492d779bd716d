package ai.hesso.djl.engine;

import ai.djl.ndarray.NDArray;
import ai.hesso.core.StepContext;
import ai.hesso.core.saliency.ChannelStatistics;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * The engine side of one step: the channel statistics, reduced on the engine once and only when the
 * driver asks (at scoring steps), and the step's loss.
 */
final class EngineStepContext implements StepContext {

    private final PlanExecutor executor;
    private final Function<String, NDArray> arrays;
    private final DoubleSupplier loss;
    private ChannelStatistics statistics;

    EngineStepContext(
            PlanExecutor executor, Function<String, NDArray> arrays, DoubleSupplier loss) {
        this.executor = executor;
        this.arrays = arrays;
        this.loss = loss;
    }

    /** {@inheritDoc} */
    @Override
    public ChannelStatistics channelStatistics() {
        if (statistics == null) {
            statistics = executor.statistics(arrays);
        }
        return statistics;
    }

    /** {@inheritDoc} */
    @Override
    public double loss() {
        return loss.getAsDouble();
    }
}
