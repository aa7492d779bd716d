package ai.hesso.examples.bench.accuracy;

import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * {@code hesso bench frontier}: every method brought to the same compute budgets, each by its own
 * rule, trained with the accuracy benchmark's protocol and trial machinery ({@link TrialRunner}),
 * so that the rows compare accuracy at (nearly) equal measured MACs.
 *
 * <ul>
 *   <li>per layer ({@code *-per-group}): the same fraction from every node group; the smallest
 *       channel count whose split meets the budget is found by bisection on the cost model of the
 *       compact architecture ({@link ai.hesso.examples.bench.baselines.MacBudget#perGroupCount});
 *       magnitude one-shot and iterative with fine-tuning, random, the architecture trained from
 *       scratch, and HESSO with {@code Allocation.PER_GROUP} at that count;
 *   <li>HESSO global with the budget itself ({@code optTargetMacs});
 *   <li>Torch-Pruning's global pruner ({@code iterative-l2-global-norm}): normalised squared group
 *       magnitude, ranked over all groups until the cost model meets the budget;
 *   <li>dense, the reference.
 * </ul>
 *
 * <p>Writes {@code results.json} (the rows of {@code bench accuracy} with {@code macBudget} and
 * {@code rule}) and one {@code frontier-<model>.png} per model into the output directory.
 */
public final class FrontierBench {

    /** The start of the plots' file names. */
    public static final String PLOT_PREFIX = "frontier-";

    private final AccuracyBench bench;

    /**
     * Creates the benchmark.
     *
     * @param settings the settings
     */
    public FrontierBench(FrontierSettings settings) {
        Objects.requireNonNull(settings, "settings");
        this.bench = new AccuracyBench(settings.training(), settings.trials(), PLOT_PREFIX);
    }

    /**
     * Sets what is told of the progress.
     *
     * @param steps told each optimizer step done
     * @param trial told the label of each trial as it starts
     * @return this benchmark
     */
    public FrontierBench optProgress(LongConsumer steps, Consumer<String> trial) {
        bench.optProgress(steps, trial);
        return this;
    }

    /**
     * Sets a hook that sees each trained model before it is closed (for tests).
     *
     * @param inspector the hook
     * @return this benchmark
     */
    public FrontierBench optInspector(TrialRunner.Inspector inspector) {
        bench.optInspector(inspector);
        return this;
    }

    /**
     * Returns the optimizer steps of the whole run, for a progress bar.
     *
     * @return trials times steps per trial
     */
    public long totalSteps() {
        return bench.totalSteps();
    }

    /**
     * Runs the benchmark.
     *
     * @return the rows and files
     * @throws IOException if the data cannot be read or the results cannot be written
     * @throws TranslateException if DJL cannot batch the data
     */
    public AccuracyBench.Outcome run() throws IOException, TranslateException {
        return bench.run();
    }
}
