package ai.hesso.djl;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.cric.CricSettings;
import ai.hesso.core.variant.Variant;
import ai.hesso.core.variant.VariantSettings;
import ai.hesso.fixtures.SyntheticData;
import ai.hesso.fixtures.TinyModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The tiny training runs the reliability tests share: an MLP {@code 6 -> 16 -> 16 -> 3} (two
 * prunable groups of 16 channels), 16 fixed batches of 8, and HESSO with either periods (warm-up 6,
 * three periods of Tp = 4: they start at 7, 11, 15 and end at 9, 13, 17) or CRIC (reference at 5,
 * 12 probe steps 5..16, two cycles of 3 at 17..22, the vote at 23 and a hybrid phase 23..28).
 */
final class Scenario {

    static final Shape INPUT = new Shape(8, 6);
    static final String NAME = "seeded";

    private Scenario() {}

    /** Periodic pruning of half the channels. */
    static HessoSettings periodic() {
        return HessoSettings.builder()
                .optTargetGroupSparsity(0.5)
                .optStartPruningStep(6)
                .setPruningSteps(12)
                .optPruningPeriods(3)
                .build();
    }

    /** CRIC pruning of a quarter of the channels. */
    static HessoSettings cric() {
        return HessoSettings.builder()
                .optTargetGroupSparsity(0.25)
                .optCric(
                        CricSettings.builder()
                                .setStartCricStep(5)
                                .optSamplingSteps(3)
                                .optMaxCycles(2)
                                .optHybridTrainingSteps(6)
                                .build())
                .build();
    }

    static VariantSettings sgd() {
        return VariantSettings.sgd(0.9, 0, 1e-3);
    }

    static VariantSettings adam() {
        return VariantSettings.adam(Variant.ADAM, 0.9, 0.999, 1e-3);
    }

    /** A harness around a fresh MLP with HESSO, seeded; {@code more} adds builder options. */
    static TrainingHarness harness(
            HessoSettings pruning,
            VariantSettings variant,
            long seed,
            UnaryOperator<HessoOptimizer.Builder> more) {
        return new TrainingHarness(
                TinyModels.mlp(6, 16, 3),
                INPUT,
                seed,
                block ->
                        more.apply(
                                        HessoBuilders.of(variant)
                                                .setLearningRateTracker(Tracker.fixed(0.05f))
                                                .setBlock(block)
                                                .setPruning(pruning))
                                .build());
    }

    static List<NDList> batches(NDManager manager) {
        return SyntheticData.fixedBatches(manager, 16, 8, new Shape(6), 3, 31);
    }

    /** The batch of a 1-based step. */
    static NDList batch(List<NDList> batches, int step) {
        return batches.get((step - 1) % batches.size());
    }

    /** Every parameter's raw bytes, by path. */
    static Map<String, byte[]> parameterBytes(Block block) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        for (Pair<String, Parameter> pair : block.getParameters()) {
            bytes.put(pair.getKey(), pair.getValue().getArray().toByteArray());
        }
        return bytes;
    }

    /**
     * Overwrites a block's parameters, in place, with those DJL saved in {@code dir} (what {@code
     * model.load} would give a new process before its trainer is made; the harness's trainer
     * already holds the arrays, so they are written into, not replaced).
     */
    static void loadInPlace(Block target, Path dir) throws IOException, MalformedModelException {
        try (Model loaded = Model.newInstance(NAME)) {
            loaded.setBlock(TinyModels.mlp(6, 16, 3));
            loaded.load(dir, NAME);
            Map<String, Parameter> source = new LinkedHashMap<>();
            for (Pair<String, Parameter> pair : loaded.getBlock().getParameters()) {
                source.put(pair.getKey(), pair.getValue());
            }
            for (Pair<String, Parameter> pair : target.getParameters()) {
                NDArray values = source.get(pair.getKey()).getArray();
                try (NDArray alias = pair.getValue().getArray().stopGradient()) {
                    alias.set(new NDIndex("..."), values);
                }
            }
        }
    }
}
