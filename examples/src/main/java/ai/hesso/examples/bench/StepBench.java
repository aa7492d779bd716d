package ai.hesso.examples.bench;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import ai.hesso.core.HessoSettings;
import ai.hesso.core.Phase;
import ai.hesso.core.variant.Variant;
import ai.hesso.djl.Hesso;
import ai.hesso.djl.HessoOptimizer;
import ai.hesso.djl.StepTimings;
import ai.hesso.examples.bench.accuracy.BenchModels;
import ai.hesso.examples.data.FashionMnist;
import ai.hesso.examples.models.BuiltinModels;
import ai.hesso.fixtures.SeededTrainer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Times training steps (forward, loss, backward, optimizer update) of a model under a DJL optimizer
 * and under the matching HESSO variant (HESSO-SGD against DJL's {@code Sgd} with the same momentum,
 * HESSO-Adam against {@code Adam}, HESSO-AdamW against {@code AdamW} with the same decoupled weight
 * decay), on the same batches, in alternating blocks so that both see the same machine load. Each
 * HESSO step is paired with the DJL step on the same batch in the neighbouring block, and sorted by
 * the phase of the step: inside a pruning period, or outside (warm-up and after pruning).
 *
 * <p>It also measures each optimizer's state in bytes after the run, from the arrays each one
 * holds: HESSO's engine state ({@link HessoOptimizer#stateBytes()}) and the arrays in the DJL
 * optimizer's state maps ({@link DjlOptimizerState}).
 */
public final class StepBench {

    private final BenchSettings settings;

    /**
     * Creates the benchmark.
     *
     * @param settings the settings
     */
    public StepBench(BenchSettings settings) {
        this.settings = settings;
    }

    /**
     * The measured step times, in milliseconds, paired: the {@code i}-th HESSO step of a phase ran
     * on the same batch and in the same pair of blocks as the {@code i}-th DJL step listed with it,
     * so slow drifts of the machine's load cancel out of their ratio.
     *
     * @param hesso HESSO's step times by the phase of the step
     * @param djl the DJL optimizer's step times paired with them, by the same phase
     * @param hessoStateBytes the bytes of HESSO's state arrays after the run
     * @param djlStateBytes the bytes of the DJL optimizer's state arrays after the run
     * @param hessoTimings where HESSO's optimizer time went, by phase, over all its steps (warm-up
     *     included)
     * @param scored by phase, aligned with {@code hesso} and {@code djl}: whether HESSO's step was
     *     a scoring step (a period's first step, where it computes every channel's saliency
     *     statistics)
     */
    public record Result(
            Map<Phase, double[]> hesso,
            Map<Phase, double[]> djl,
            long hessoStateBytes,
            long djlStateBytes,
            StepTimings hessoTimings,
            Map<Phase, boolean[]> scored) {

        /**
         * Copies the maps.
         *
         * @param hesso HESSO's step times by phase
         * @param djl the paired DJL step times by phase
         * @param hessoStateBytes HESSO's state bytes
         * @param djlStateBytes the DJL optimizer's state bytes
         * @param hessoTimings HESSO's time by phase
         * @param scored whether each step scored, by phase
         */
        public Result {
            hesso = Collections.unmodifiableMap(new EnumMap<>(hesso));
            djl = Collections.unmodifiableMap(new EnumMap<>(djl));
            scored = Collections.unmodifiableMap(new EnumMap<>(scored));
        }

        /**
         * Returns the median of the paired ratios of the steps in some phases that scored, or that
         * did not: a scoring step's extra cost comes once per period, so a run whose periods are
         * hundreds of steps long pays the ratio of the steps that did not score.
         *
         * @param phases the phases
         * @param scoring true for the scoring steps, false for the others
         * @return the median ratio, NaN when no such step was timed
         */
        public double ratio(Set<Phase> phases, boolean scoring) {
            List<Double> ratios = new ArrayList<>();
            for (Phase phase : phases) {
                boolean[] flags = scored.getOrDefault(phase, new boolean[0]);
                for (int i = 0; i < flags.length; i++) {
                    if (flags[i] == scoring) {
                        ratios.add(hesso.get(phase)[i] / djl.get(phase)[i]);
                    }
                }
            }
            return median(array(ratios));
        }

        /**
         * Counts the timed steps in some phases that scored.
         *
         * @param phases the phases
         * @return the count
         */
        public int scoringSteps(Set<Phase> phases) {
            int n = 0;
            for (Phase phase : phases) {
                for (boolean flag : scored.getOrDefault(phase, new boolean[0])) {
                    n += flag ? 1 : 0;
                }
            }
            return n;
        }

        /**
         * Returns HESSO's step times in some phases.
         *
         * @param phases the phases
         * @return the times
         */
        public double[] hessoTimes(Set<Phase> phases) {
            return collect(hesso, phases);
        }

        /**
         * Returns the DJL step times paired with HESSO's steps in some phases.
         *
         * @param phases the phases
         * @return the times
         */
        public double[] djlTimes(Set<Phase> phases) {
            return collect(djl, phases);
        }

        /**
         * Returns the median of the paired ratios HESSO time / DJL time in some phases.
         *
         * @param phases the phases
         * @return the median ratio, NaN when no step fell in them
         */
        public double ratio(Set<Phase> phases) {
            double[] h = hessoTimes(phases);
            double[] d = djlTimes(phases);
            double[] ratios = new double[h.length];
            for (int i = 0; i < h.length; i++) {
                ratios[i] = h[i] / d[i];
            }
            return median(ratios);
        }

        private static double[] collect(Map<Phase, double[]> times, Set<Phase> phases) {
            return phases.stream()
                    .filter(times::containsKey)
                    .flatMapToDouble(p -> Arrays.stream(times.get(p)))
                    .toArray();
        }

        /**
         * Returns the median of step times.
         *
         * @param times step times
         * @return the median, NaN when empty
         */
        public static double median(double[] times) {
            if (times.length == 0) {
                return Double.NaN;
            }
            double[] s = times.clone();
            Arrays.sort(s);
            int m = s.length / 2;
            return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
        }
    }

    /**
     * Runs the benchmark for every variant of the settings, one after the other.
     *
     * @return the paired step times and state sizes, by variant in the settings' order
     * @throws IOException if the data cannot be read
     * @throws TranslateException if DJL cannot batch the data
     */
    public Map<Variant, Result> run() throws IOException, TranslateException {
        Map<Variant, Result> results = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDList> batches = batches(manager);
            for (Variant variant : settings.variants()) {
                results.put(variant, run(variant, batches));
            }
        }
        return results;
    }

    /**
     * Runs one variant: blocks of DJL and HESSO steps on the same batches, alternating which
     * optimizer goes first, each HESSO step paired with the DJL step on the same batch.
     */
    private Result run(Variant variant, List<NDList> batches) {
        Shape input = batches.get(0).get(0).getShape();
        try (Harness djl = new Harness(input, b -> djlOptimizer(variant));
                Harness hesso = new Harness(input, b -> hessoOptimizer(variant, b))) {
            HessoOptimizer h = (HessoOptimizer) hesso.optimizer;
            for (int k = 0; k < settings.warmupSteps(); k++) {
                djl.step(batches.get(k % batches.size()));
                hesso.step(batches.get(k % batches.size()));
            }
            Map<Phase, List<Double>> hessoTimes = new EnumMap<>(Phase.class);
            Map<Phase, List<Double>> djlTimes = new EnumMap<>(Phase.class);
            Map<Phase, List<Boolean>> scored = new EnumMap<>(Phase.class);
            int k = settings.warmupSteps();
            int stage = h.metrics().stage();
            boolean djlFirst = true;
            for (int done = 0; done < settings.steps(); done += settings.blockSteps()) {
                int n = Math.min(settings.blockSteps(), settings.steps() - done);
                double[] djlBlock = djlFirst ? block(djl, batches, k, n) : null;
                double[] hessoBlock = new double[n];
                Phase[] phases = new Phase[n];
                boolean[] scoring = new boolean[n];
                for (int i = 0; i < n; i++) {
                    hessoBlock[i] = hesso.step(batches.get((k + i) % batches.size()));
                    phases[i] = h.metrics().phase();
                    // a period starts (and scores every channel) where the stage count grows
                    scoring[i] = h.metrics().stage() != stage;
                    stage = h.metrics().stage();
                }
                if (!djlFirst) {
                    djlBlock = block(djl, batches, k, n);
                }
                for (int i = 0; i < n; i++) {
                    hessoTimes
                            .computeIfAbsent(phases[i], p -> new ArrayList<>())
                            .add(hessoBlock[i]);
                    djlTimes.computeIfAbsent(phases[i], p -> new ArrayList<>()).add(djlBlock[i]);
                    scored.computeIfAbsent(phases[i], p -> new ArrayList<>()).add(scoring[i]);
                }
                djlFirst = !djlFirst;
                k += n;
            }
            return new Result(
                    arrays(hessoTimes),
                    arrays(djlTimes),
                    hesso.stateBytes(),
                    djl.stateBytes(),
                    h.stepTimings().orElseThrow(),
                    flags(scored));
        }
    }

    private static double[] block(Harness harness, List<NDList> batches, int first, int n) {
        double[] times = new double[n];
        for (int i = 0; i < n; i++) {
            times[i] = harness.step(batches.get((first + i) % batches.size()));
        }
        return times;
    }

    private static Map<Phase, double[]> arrays(Map<Phase, List<Double>> lists) {
        Map<Phase, double[]> arrays = new EnumMap<>(Phase.class);
        lists.forEach((p, t) -> arrays.put(p, array(t)));
        return arrays;
    }

    private static Map<Phase, boolean[]> flags(Map<Phase, List<Boolean>> lists) {
        Map<Phase, boolean[]> flags = new EnumMap<>(Phase.class);
        lists.forEach(
                (p, list) -> {
                    boolean[] f = new boolean[list.size()];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = list.get(i);
                    }
                    flags.put(p, f);
                });
        return flags;
    }

    private static double[] array(List<Double> list) {
        return list.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The DJL optimizer a HESSO variant is compared with, with the same hyper-parameters. */
    private static Optimizer djlOptimizer(Variant variant) {
        return switch (variant) {
            case SGD ->
                    Optimizer.sgd()
                            .setLearningRateTracker(Tracker.fixed(BenchSettings.SGD_LEARNING_RATE))
                            .optMomentum(BenchSettings.SGD_MOMENTUM)
                            .build();
            case ADAM ->
                    Optimizer.adam()
                            .optLearningRateTracker(Tracker.fixed(BenchSettings.LEARNING_RATE))
                            .build();
            case ADAMW ->
                    Optimizer.adamW()
                            .optLearningRateTracker(Tracker.fixed(BenchSettings.LEARNING_RATE))
                            .optWeightDecays(BenchSettings.ADAMW_WEIGHT_DECAY)
                            .build();
        };
    }

    private Optimizer hessoOptimizer(Variant variant, Block block) {
        HessoOptimizer.Builder builder =
                switch (variant) {
                    case SGD -> Hesso.sgd().optMomentum(BenchSettings.SGD_MOMENTUM);
                    case ADAM -> Hesso.adam();
                    case ADAMW -> Hesso.adamW().optWeightDecay(BenchSettings.ADAMW_WEIGHT_DECAY);
                };
        float learningRate =
                variant == Variant.SGD
                        ? BenchSettings.SGD_LEARNING_RATE
                        : BenchSettings.LEARNING_RATE;
        // timing the phases costs two clock reads per phase and tensor: far below a step's time
        return builder.optStepTimings(true)
                .setLearningRateTracker(Tracker.fixed(learningRate))
                .setBlock(block)
                .setPruning(
                        HessoSettings.builder()
                                .optTargetGroupSparsity(0.5)
                                .optStartPruningStep(settings.startPruningStep())
                                .setPruningSteps(settings.pruningSteps())
                                .optPruningPeriods(BenchSettings.PRUNING_PERIODS)
                                .build())
                .build();
    }

    /** A fresh, uninitialized block of the settings' model. */
    private Block model() {
        return switch (settings.model()) {
            case BenchSettings.RESNET50 ->
                    ResNetV1.builder()
                            .setNumLayers(50)
                            .setOutSize(FashionMnist.CLASSES)
                            .setImageShape(new Shape(1, settings.imageSize(), settings.imageSize()))
                            .build();
            case BenchSettings.TRANSFORMER ->
                    BenchModels.vit(
                            BenchSettings.TRANSFORMER_WIDTH,
                            BenchSettings.TRANSFORMER_HEADS,
                            BenchSettings.TRANSFORMER_HIDDEN,
                            BenchSettings.TRANSFORMER_BLOCKS);
            default -> BuiltinModels.fashionCnn();
        };
    }

    private List<NDList> batches(NDManager manager) throws IOException, TranslateException {
        List<NDList> batches = new ArrayList<>();
        int b = settings.batchSize();
        int size = settings.imageSize();
        if (settings.synthetic()) {
            Engine.getInstance().setRandomSeed(settings.seed());
            for (int i = 0; i < settings.distinctBatches(); i++) {
                NDArray x = manager.randomUniform(0, 1, new Shape(b, 1, size, size));
                NDArray y =
                        manager.randomInteger(0, FashionMnist.CLASSES, new Shape(b), DataType.INT32)
                                .toType(DataType.FLOAT32, false);
                batches.add(new NDList(x, y));
            }
            return batches;
        }
        try (FashionMnist data =
                FashionMnist.builder()
                        .optDirectory(settings.dataDirectory())
                        .optUsage(Dataset.Usage.TRAIN)
                        .optLimit((long) b * settings.distinctBatches())
                        .setSampling(b, false)
                        .optManager(manager)
                        .build()) {
            data.prepare();
            for (Batch batch : data.getData(manager)) {
                try (batch) {
                    NDList pair =
                            new NDList(
                                    batch.getData().singletonOrThrow().duplicate(),
                                    batch.getLabels().singletonOrThrow().duplicate());
                    pair.attach(manager);
                    batches.add(pair);
                }
            }
        }
        return batches;
    }

    /** The shared seeded trainer on a fresh block of the model, timed per step. */
    private final class Harness implements AutoCloseable {
        private final SeededTrainer run;
        private final Optimizer optimizer;

        Harness(Shape input, Function<Block, Optimizer> factory) {
            run = new SeededTrainer(model(), input, settings.seed(), factory);
            optimizer = run.optimizer();
            if (optimizer instanceof HessoOptimizer hesso) {
                run.setLossSink(hesso::setLoss);
            }
        }

        /**
         * The bytes of the optimizer's state: HESSO's from its engine state ({@link
         * HessoOptimizer#stateBytes()}), DJL's from its state maps ({@link DjlOptimizerState}).
         */
        long stateBytes() {
            return optimizer instanceof HessoOptimizer hesso
                    ? hesso.stateBytes()
                    : DjlOptimizerState.bytes(optimizer);
        }

        /** Runs one training step and returns its wall time in milliseconds. */
        double step(NDList batch) {
            long start = System.nanoTime();
            run.step(batch);
            return (System.nanoTime() - start) / 1e6;
        }

        @Override
        public void close() {
            run.close();
        }
    }
}
