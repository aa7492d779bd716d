package ai.hesso.djl;

import ai.djl.Device;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.hesso.core.HessoDriver;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.StepPlan;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.variant.VariantSettings;
import ai.hesso.djl.engine.PlanExecutor;
import ai.hesso.djl.engine.TensorSlot;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one {@link HessoOptimizer} resolves at its first update, when the block is initialized: the
 * block's parameters by path, the node groups, the {@link HessoDriver} and the {@link
 * PlanExecutor}; and the plan of the current step.
 */
final class TrainingRun implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(TrainingRun.class);

    private final Map<String, String> idToName;
    private final Map<String, Parameter> parameters;
    private final HessoDriver driver;
    private final PlanExecutor executor;
    private StepPlan plan;

    private TrainingRun(
            Map<String, String> idToName,
            Map<String, Parameter> parameters,
            HessoDriver driver,
            PlanExecutor executor) {
        this.idToName = idToName;
        this.parameters = parameters;
        this.driver = driver;
        this.executor = executor;
    }

    /** The optimizer's settings that a run is resolved from. */
    record Setup(
            Block block,
            NodeGroupSource groupSource,
            HessoSettings pruning,
            VariantSettings variant,
            float rescaleGrad,
            float clipGrad,
            boolean failIfNothingToPrune) {}

    /**
     * Maps DJL's parameter ids to paths, finds and validates the node groups and creates the driver
     * and the executor.
     *
     * @param setup the optimizer's settings
     * @param fuseAdam whether Adam may run DJL's fused kernel (tests turn it off)
     * @throws IllegalArgumentException if the block has no parameters, is not the initialized block
     *     being trained, the groups do not fit it, or a positive target prunes nothing while that
     *     is an error
     */
    static TrainingRun start(Setup setup, boolean fuseAdam) {
        Map<String, String> idToName = new HashMap<>();
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        for (Pair<String, Parameter> pair : setup.block().getParameters()) {
            idToName.put(pair.getValue().getId(), pair.getKey());
            parameters.put(pair.getKey(), pair.getValue());
        }
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException(
                    "the block given to setBlock(..) has no parameters; give HESSO the block being"
                            + " trained");
        }
        TrainedBlockCheck.check(setup.block());
        List<NodeGroup> groups = setup.groupSource().groups(setup.block());
        NodeGroupValidation.check(groups, parameters);
        HessoDriver driver = new HessoDriver(setup.pruning(), groups);
        if (setup.failIfNothingToPrune()) {
            driver.nothingToPruneReason()
                    .ifPresent(
                            reason -> {
                                throw new IllegalArgumentException(
                                        reason
                                                + " (or optFailIfNothingToPrune(false) to train"
                                                + " anyway)");
                            });
        }
        // the state lives and dies with the model's arrays
        PlanExecutor executor =
                new PlanExecutor(
                        setup.variant(),
                        setup.rescaleGrad(),
                        setup.clipGrad(),
                        fuseAdam,
                        driver.channelIndex(),
                        parameters.values().iterator().next().getArray().getManager());
        logger.info(
                "HESSO: {} node groups ({} prunable, {} channels, target {}) over {} parameters;"
                        + " {}",
                groups.size(),
                driver.channelIndex().prunableGroups().size(),
                driver.channelIndex().size(),
                driver.metrics().targetChannels(),
                parameters.size(),
                setup.variant());
        return new TrainingRun(idToName, parameters, driver, executor);
    }

    /**
     * Returns the slot of DJL's parameter id on a device.
     *
     * @throws IllegalStateException if the id is not a parameter of the block
     */
    TensorSlot slot(String parameterId, Device device) {
        String name = idToName.get(parameterId);
        if (name == null) {
            throw new IllegalStateException(
                    "parameter id "
                            + parameterId
                            + " is not a parameter of the block given to setBlock(..); give"
                            + " HESSO the block being trained");
        }
        return new TensorSlot(name, device);
    }

    /** Plans the next step; the loss is asked only if the driver needs it (CRIC). */
    void nextStep(DoubleSupplier loss) {
        plan = driver.nextStep(executor.stepContext(name -> parameters.get(name).getArray(), loss));
    }

    StepPlan plan() {
        return plan;
    }

    HessoDriver driver() {
        return driver;
    }

    PlanExecutor executor() {
        return executor;
    }

    @Override
    public void close() {
        executor.close();
    }
}
