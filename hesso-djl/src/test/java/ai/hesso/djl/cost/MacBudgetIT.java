package ai.hesso.djl.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.Phase;
import ai.hesso.core.cost.ChannelCosts;
import ai.hesso.core.cost.CostReport;
import ai.hesso.core.cost.LayerMacModel;
import ai.hesso.core.cric.CricSettings;
import ai.hesso.core.group.ChannelIndex;
import ai.hesso.djl.Hesso;
import ai.hesso.djl.HessoOptimizer;
import ai.hesso.djl.compact.CompactModel;
import ai.hesso.djl.compact.Compaction;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.fixtures.SeededTrainer;
import ai.hesso.fixtures.SyntheticData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pruning to a MAC budget on every discovery test model: after a short training the compact model's
 * MACs (as {@link Compaction}'s report counts them) are within the budget, and within one channel's
 * saving of it.
 */
class MacBudgetIT {

    private static final Logger LOG = LoggerFactory.getLogger(MacBudgetIT.class);

    static Stream<CostModels.Case> models() {
        return CostModels.all();
    }

    /** The model with a flatten after it, so that any output is a row of class scores. */
    private static Block classifier(CostModels.Case model) {
        return new SequentialBlock().add(model.factory().get()).add(Blocks.batchFlattenBlock());
    }

    /** Blob batches of the model's input size, reshaped to its input shape; two classes. */
    private static List<NDList> batches(NDManager manager, Shape input, int count) {
        long batch = input.get(0);
        Shape sample = new Shape(input.size() / batch);
        List<NDList> batches =
                SyntheticData.fixedBatches(manager, count, (int) batch, sample, 2, 17);
        return batches.stream().map(b -> new NDList(b.get(0).reshape(input), b.get(1))).toList();
    }

    /** What a budget run reports, for the assertions. */
    private record Outcome(
            long dense, long compact, long budget, long oneMove, CostReport report) {}

    private static Outcome train(
            CostModels.Case model,
            double budget,
            HessoSettings.Builder schedule,
            int groupDivisible,
            int steps) {
        HessoSettings settings =
                schedule.optTargetMacs(budget).optGroupDivisible(groupDivisible).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDList> data = batches(manager, model.input(), steps);
            try (SeededTrainer run =
                    new SeededTrainer(
                            classifier(model),
                            model.input(),
                            5,
                            b ->
                                    Hesso.sgd()
                                            .optMomentum(0.9)
                                            .setLearningRate(0.05)
                                            .setBlock(b)
                                            .setPruning(settings)
                                            .build())) {
                HessoOptimizer hesso = (HessoOptimizer) run.optimizer();
                run.setLossSink(hesso::setLoss);
                for (NDList batch : data) {
                    run.step(batch);
                }
                assertEquals(Phase.PRUNED, hesso.metrics().phase(), model.name());
                Block block = run.model().getBlock();
                DiscoveryReport report = hesso.discoveryReport();
                Map<String, int[]> removed = new LinkedHashMap<>();
                hesso.prunedChannels()
                        .forEach(
                                (group, channels) -> {
                                    if (channels.length > 0) {
                                        removed.put(group, channels);
                                    }
                                });
                ChannelCosts costs =
                        new ChannelCosts(
                                BlockMacs.of(block, report, model.input()),
                                new ChannelIndex(hesso.nodeGroups(), groupDivisible));
                long oneMove = 0;
                for (int g = 0; g < costs.fullWidths().length; g++) {
                    oneMove =
                            Math.max(
                                    oneMove,
                                    costs.saving(costs.fullWidths(), g, 1) * groupDivisible);
                }
                try (CompactModel compact =
                        Compaction.compact(block, report, removed, model.input())) {
                    CostReport cost = hesso.costReport().orElseThrow();
                    LOG.info("{}: {}", model.name(), cost);
                    return new Outcome(
                            compact.report().before().macs(),
                            compact.report().after().macs(),
                            cost.budgetMacs(),
                            oneMove,
                            cost);
                }
            }
        }
    }

    /** A budget every model can reach: 40% of the way from the least reachable cost to dense. */
    private static double reachableBudget(CostModels.Case model, int groupDivisible) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = classifier(model);
            block.initialize(manager, DataType.FLOAT32, model.input());
            DiscoveryReport report =
                    GroupDiscovery.builder().build().discover(block, model.input());
            LayerMacModel cost = BlockMacs.of(block, report, model.input());
            ChannelCosts costs =
                    new ChannelCosts(cost, new ChannelIndex(report.nodeGroups(), groupDivisible));
            double least = (double) costs.minimumCost(groupDivisible) / costs.denseCost();
            return least + 0.4 * (1 - least);
        }
    }

    private static HessoSettings.Builder periods() {
        // periods start at steps 3, 5, 7 and end at 4, 6, 8
        return HessoSettings.builder()
                .optStartPruningStep(2)
                .setPruningSteps(6)
                .optPruningPeriods(3);
    }

    private static void assertWithinOneMove(String name, Outcome o) {
        assertTrue(o.compact() <= o.budget(), name + ": " + o);
        assertTrue(o.compact() > o.budget() - o.oneMove(), name + ": " + o);
        assertEquals(o.compact(), o.report().currentMacs(), name);
        assertEquals(o.dense(), o.report().denseMacs(), name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void compactMacsAreWithinTheBudgetAndOneChannelOfIt(CostModels.Case model) {
        double budget = reachableBudget(model, 1);
        assertWithinOneMove(model.name(), train(model, budget, periods(), 1, 10));
    }

    @Test
    void groupDivisibleBudgetsKeepMultiplesWithinOneMove() {
        CostModels.Case vgg =
                CostModels.all()
                        .filter(c -> c.name().equals("vgg-two-stages"))
                        .findFirst()
                        .orElseThrow();
        assertWithinOneMove("vgg q=2", train(vgg, reachableBudget(vgg, 2), periods(), 2, 10));
    }

    @Test
    void cricBudgetsAreMetToo() {
        CostModels.Case cnn =
                CostModels.all().filter(c -> c.name().equals("tiny-cnn")).findFirst().orElseThrow();
        HessoSettings.Builder cric =
                HessoSettings.builder()
                        .optCric(
                                CricSettings.builder()
                                        .setStartCricStep(2)
                                        .optSamplingSteps(2)
                                        .optMaxCycles(2)
                                        .optHybridTrainingSteps(3)
                                        .build());
        assertWithinOneMove("tiny-cnn CRIC", train(cnn, 0.35, cric, 1, 40));
    }

    @Test
    void anUnreachableBudgetFailsAtTheFirstStepNamingTheSetting() {
        CostModels.Case cnn =
                CostModels.all().filter(c -> c.name().equals("tiny-cnn")).findFirst().orElseThrow();
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> train(cnn, 0.001, periods(), 1, 1));
        assertTrue(e.getMessage().startsWith("targetMacs 0.001 is out of reach"), e.getMessage());
    }
}
