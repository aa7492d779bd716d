package ai.hesso.examples.zoo;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import ai.hesso.core.HessoMetrics;
import ai.hesso.core.HessoSettings;
import ai.hesso.djl.Hesso;
import ai.hesso.djl.HessoOptimizer;
import ai.hesso.djl.checkpoint.HessoCheckpoint;
import ai.hesso.djl.compact.CompactModel;
import ai.hesso.djl.compact.CompactModels;
import ai.hesso.djl.compact.CompactionException;
import ai.hesso.djl.compact.CompactionReport;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.djl.discovery.SanityCheck;
import ai.hesso.djl.discovery.SanityResult;
import ai.hesso.fixtures.SeededTrainer;
import ai.hesso.fixtures.SyntheticData;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Takes one model through every stage of the sweep ({@link ZooStage}) and gives a verdict per
 * stage.
 *
 * <ol>
 *   <li><b>discover</b>: {@link GroupDiscovery} on a freshly initialized block, then {@link
 *       SanityCheck} of every prunable group (a group whose zeroing leaks into the output fails),
 *       with a random subset of its channels zeroed, or also every separating subset. No prunable
 *       group is a refusal, with the reasons discovery gives.
 *   <li><b>train</b>: {@value #STEPS} steps of HESSO-SGD (momentum 0.9, learning rate {@value
 *       #LEARNING_RATE}) at 50% target group sparsity, warm-up 2 and two pruning periods over 6
 *       steps, on seeded synthetic batches of {@value #BATCH}; the engine is reseeded before every
 *       step so that dropout draws the same masks in the resumed run. Pruning must be complete, and
 *       the pruned count must equal the count verified zero in the arrays.
 *   <li><b>compact</b>: {@code hesso.compact()}, which checks every pruned row is exactly zero; a
 *       {@link CompactionException} (a block it cannot rebuild) is a refusal.
 *   <li><b>compare</b>: the compact and the zeroed model on seeded random inputs, inference mode:
 *       same output shapes, max absolute difference at most {@value #TOLERANCE} times the larger of
 *       1 and the largest absolute output (float32 sums over fewer channels round differently, in
 *       proportion to the values summed).
 *   <li><b>save</b>, <b>load</b>: {@code CompactModel.save}, {@code CompactModels.load} into a
 *       fresh architecture, whose outputs must match the compact model's within the tolerance.
 *   <li><b>resume</b>: the checkpoint written after step {@value #STOP} (inside the first pruning
 *       period) with the parameters of that step, continued by a new trainer and optimizer built
 *       from another seed, must end with the same parameter bytes, pruned channels and driver
 *       state.
 * </ol>
 *
 * <p>A stage after a failed, refused or skipped one it depends on is skipped with the reason. An
 * exception other than a refusal is a failure, reported with its message.
 */
public final class ZooSweep {

    /**
     * The largest accepted max absolute difference between two models' outputs, for outputs up to 1
     * in absolute value; relative to the largest output above that.
     */
    public static final double TOLERANCE = 1e-4;

    /** The training batch size. */
    public static final int BATCH = 4;

    /** The training steps: pruning completes within them. */
    public static final int STEPS = 9;

    /** The step after which the checkpoint is written: inside the first pruning period. */
    public static final int STOP = 4;

    /** The learning rate of the training runs. */
    public static final double LEARNING_RATE = 0.02;

    private static final int SEED = 7;
    private static final int RESUME_SEED = 99;
    private static final int DATA_SEED = 11;
    private static final int BATCHES = 4;

    private final Path workDirectory;
    private final boolean pairwise;
    private final PrintWriter debug;

    /**
     * Creates a sweep that writes checkpoints and compact models under a directory.
     *
     * @param workDirectory where each model's checkpoint and compact model go (one subdirectory per
     *     model); created if missing
     * @param pairwise whether the sanity check zeroes every separating subset of each group's
     *     channels ({@code SanityCheck.Builder#optPairwise}), or one random subset (faster: about
     *     {@code 2 log2 C} times fewer forward passes)
     * @param debug where stack traces of failures go, or null for nowhere
     */
    public ZooSweep(Path workDirectory, boolean pairwise, PrintWriter debug) {
        this.workDirectory = Objects.requireNonNull(workDirectory, "workDirectory");
        this.pairwise = pairwise;
        this.debug = debug;
    }

    /**
     * The HESSO settings the sweep trains with: half of the prunable channels, warm-up 2, two
     * periods over 6 steps, so pruning is complete after step 8.
     *
     * @return the settings
     */
    public static HessoSettings pruning() {
        return HessoSettings.builder()
                .optTargetGroupSparsity(0.5)
                .optStartPruningStep(2)
                .setPruningSteps(6)
                .optPruningPeriods(2)
                .build();
    }

    /**
     * Runs every stage for one model.
     *
     * @param model the model
     * @return one result per stage, in order, and the wall time
     */
    public ModelResult run(ZooModel model) {
        long start = System.nanoTime();
        Run run = new Run(model);
        try (NDManager manager = NDManager.newBaseManager()) {
            run.all(manager);
        } catch (RuntimeException | IOException e) {
            run.failRemaining(e);
        }
        return new ModelResult(model.name(), run.results, (System.nanoTime() - start) / 1e9);
    }

    /** The state of one model's run through the stages. */
    private final class Run {

        private final ZooModel model;
        private final Shape input;
        private final List<StageResult> results = new ArrayList<>();

        Run(ZooModel model) {
            this.model = model;
            this.input = model.inputShape(BATCH);
        }

        void all(NDManager manager) throws IOException {
            Path dir = workDirectory.resolve(model.name());
            Files.createDirectories(dir);
            if (!discover(manager)) {
                return;
            }
            if (!model.classifier()) {
                skipRemaining(
                        "not trained: its output is not (N, classes) logits (a detection or"
                                + " sequence model), so the sweep has no loss for it");
                return;
            }
            List<NDList> batches = batches(manager);
            Path checkpoint = dir.resolve("run.hesso");
            Map<String, NDArray> atStop = new LinkedHashMap<>();
            Map<String, byte[]> whole;
            Map<String, int[]> wholePruned;
            HessoCheckpoint wholeState;
            try (SeededTrainer trainer =
                    new SeededTrainer(model.factory().get(), input, SEED, ZooSweep::optimizer)) {
                HessoOptimizer hesso = (HessoOptimizer) trainer.optimizer();
                trainer.setLossSink(hesso::setLoss);
                float first = Float.NaN;
                float last = Float.NaN;
                for (int k = 1; k <= STEPS; k++) {
                    Engine.getInstance().setRandomSeed(1000 + k);
                    last = trainer.step(batches.get((k - 1) % batches.size()));
                    first = k == 1 ? last : first;
                    if (k == STOP) {
                        hesso.checkpoint().write(checkpoint);
                        copyParameters(trainer.model().getBlock(), atStop, manager);
                    }
                }
                if (!train(hesso, first, last)) {
                    return;
                }
                whole = parameterBytes(trainer.model().getBlock());
                wholePruned = hesso.prunedChannels();
                wholeState = hesso.checkpoint();
                compactSaveLoad(trainer.model().getBlock(), hesso, dir.resolve("compact"));
            }
            resume(batches, checkpoint, atStop, whole, wholePruned, wholeState);
        }

        /** Discovery and the sanity check; returns whether there is something to train. */
        private boolean discover(NDManager manager) {
            try (NDManager scope = manager.newSubManager()) {
                Engine.getInstance().setRandomSeed(SEED);
                Block block = model.factory().get();
                block.initialize(scope, DataType.FLOAT32, input);
                DiscoveryReport report = GroupDiscovery.builder().build().discover(block, input);
                List<DiscoveredGroup> prunable = report.prunableGroups();
                int channels = prunable.stream().mapToInt(g -> g.group().channels()).sum();
                int unprunable = report.groups().size() - prunable.size();
                if (prunable.isEmpty()) {
                    add(
                            ZooStage.DISCOVER,
                            Outcome.REFUSED,
                            "no prunable node group: " + why(report));
                    skipRemaining("nothing to prune");
                    return false;
                }
                List<SanityResult> checks =
                        SanityCheck.builder()
                                .optPairwise(pairwise)
                                .build()
                                .check(block, report, input);
                List<SanityResult> failed = checks.stream().filter(c -> !c.passed()).toList();
                if (!failed.isEmpty()) {
                    add(
                            ZooStage.DISCOVER,
                            Outcome.FAILED,
                            "sanity check: zeroing a prunable group changes the output: " + failed);
                    skipRemaining("discover failed");
                    return false;
                }
                add(
                        ZooStage.DISCOVER,
                        Outcome.PASS,
                        String.format(
                                Locale.ROOT,
                                "%d prunable groups (%d channels, sanity-checked%s), %d unprunable%s",
                                prunable.size(),
                                channels,
                                pairwise ? " pairwise" : "",
                                unprunable,
                                unprunable == 0 ? "" : ": " + why(report)));
                return true;
            }
        }

        /** The checks after training; returns whether the later stages can run. */
        private boolean train(HessoOptimizer hesso, float first, float last) {
            HessoMetrics metrics = hesso.metrics();
            if (!hesso.pruningComplete()) {
                add(
                        ZooStage.TRAIN,
                        Outcome.FAILED,
                        "pruning not complete after " + STEPS + " steps: " + metrics);
                skipRemaining("train failed");
                return false;
            }
            if (metrics.pruned() != metrics.verifiedZero()) {
                add(
                        ZooStage.TRAIN,
                        Outcome.FAILED,
                        "the metrics claim "
                                + metrics.pruned()
                                + " pruned channels but "
                                + metrics.verifiedZero()
                                + " are zero in the arrays");
                skipRemaining("train failed");
                return false;
            }
            if (metrics.pruned() == 0) {
                add(
                        ZooStage.TRAIN,
                        Outcome.REFUSED,
                        "nothing pruned at target " + metrics.targetChannels() + ": " + metrics);
                skipRemaining("nothing pruned");
                return false;
            }
            add(
                    ZooStage.TRAIN,
                    Outcome.PASS,
                    String.format(
                            Locale.ROOT,
                            "%d steps, loss %.3f -> %.3f, %d channels pruned (target %d), all"
                                    + " zero in the arrays",
                            STEPS,
                            first,
                            last,
                            metrics.pruned(),
                            metrics.targetChannels()));
            return true;
        }

        private void compactSaveLoad(Block zeroed, HessoOptimizer hesso, Path dir)
                throws IOException {
            CompactModel compact;
            try {
                compact = hesso.compact();
            } catch (CompactionException e) {
                add(ZooStage.COMPACT, Outcome.REFUSED, e.getMessage());
                skip(ZooStage.COMPARE, ZooStage.LOAD, "not compacted");
                return;
            } catch (RuntimeException e) {
                fail(ZooStage.COMPACT, e);
                skip(ZooStage.COMPARE, ZooStage.LOAD, "compact failed");
                return;
            }
            try (compact) {
                CompactionReport report = compact.report();
                add(
                        ZooStage.COMPACT,
                        Outcome.PASS,
                        String.format(
                                Locale.ROOT,
                                "%d channels removed; parameters %,d -> %,d, MACs %,d -> %,d",
                                compact.selection().count(),
                                report.before().parameters(),
                                report.after().parameters(),
                                report.before().macs(),
                                report.after().macs()));
                Block small = compact.model().getBlock();
                if (!compare(ZooStage.COMPARE, zeroed, small, "compact vs zeroed")) {
                    skip(ZooStage.SAVE, ZooStage.LOAD, "compare failed");
                    return;
                }
                compact.save(dir);
                add(ZooStage.SAVE, Outcome.PASS, "compact.json and compact-0000.params");
                try (Model loaded = CompactModels.load(dir, model.factory().get())) {
                    compare(ZooStage.LOAD, small, loaded.getBlock(), "loaded vs compact");
                } catch (RuntimeException | IOException | ai.djl.MalformedModelException e) {
                    fail(ZooStage.LOAD, e);
                }
            } catch (RuntimeException e) {
                fail(nextStage(), e);
                skipRemainingBefore(ZooStage.RESUME, "an earlier stage failed");
            }
        }

        /** Compares two blocks' outputs on seeded random inputs, inference mode. */
        private boolean compare(ZooStage stage, Block expected, Block actual, String what) {
            try (NDManager scope = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(DATA_SEED);
                NDArray x = scope.randomNormal(input);
                ParameterStore store = new ParameterStore(scope, false);
                NDList a = expected.forward(store, new NDList(x), false);
                NDList b = actual.forward(store, new NDList(x), false);
                if (a.size() != b.size()) {
                    add(
                            stage,
                            Outcome.FAILED,
                            what + ": " + a.size() + " vs " + b.size() + " outputs");
                    return false;
                }
                double max = 0;
                double scale = 0;
                for (int i = 0; i < a.size(); i++) {
                    if (!a.get(i).getShape().equals(b.get(i).getShape())) {
                        add(
                                stage,
                                Outcome.FAILED,
                                what
                                        + ": output "
                                        + i
                                        + " has shape "
                                        + b.get(i).getShape()
                                        + ", expected "
                                        + a.get(i).getShape());
                        return false;
                    }
                    double d = a.get(i).sub(b.get(i)).abs().max().getFloat();
                    max = Double.isNaN(d) ? d : Math.max(max, d);
                    scale = Math.max(scale, a.get(i).abs().max().getFloat());
                }
                // float32 sums over other channel counts round differently: the bound scales with
                // the outputs once they exceed 1 (a diverged run's logits can be in the thousands)
                double bound = TOLERANCE * Math.max(1, scale);
                boolean ok = max <= bound;
                add(
                        stage,
                        ok ? Outcome.PASS : Outcome.FAILED,
                        String.format(
                                Locale.ROOT,
                                "%s: max |diff| %.2g %s %.2g (%.0e x max(1, max |output| %.3g))",
                                what,
                                max,
                                ok ? "<=" : "EXCEEDS",
                                bound,
                                TOLERANCE,
                                scale));
                return ok;
            }
        }

        private void resume(
                List<NDList> batches,
                Path checkpoint,
                Map<String, NDArray> atStop,
                Map<String, byte[]> whole,
                Map<String, int[]> wholePruned,
                HessoCheckpoint wholeState)
                throws IOException {
            try (SeededTrainer second =
                    new SeededTrainer(
                            model.factory().get(), input, RESUME_SEED, ZooSweep::optimizer)) {
                HessoOptimizer hesso = (HessoOptimizer) second.optimizer();
                second.setLossSink(hesso::setLoss);
                for (Pair<String, Parameter> p : second.model().getBlock().getParameters()) {
                    try (NDArray alias = p.getValue().getArray().stopGradient()) {
                        alias.set(new NDIndex("..."), atStop.get(p.getKey()));
                    }
                }
                hesso.resume(HessoCheckpoint.read(checkpoint));
                for (int k = STOP + 1; k <= STEPS; k++) {
                    Engine.getInstance().setRandomSeed(1000 + k);
                    second.step(batches.get((k - 1) % batches.size()));
                }
                Map<String, byte[]> resumed = parameterBytes(second.model().getBlock());
                List<String> differ = new ArrayList<>();
                for (Map.Entry<String, byte[]> e : whole.entrySet()) {
                    if (!Arrays.equals(e.getValue(), resumed.get(e.getKey()))) {
                        differ.add(e.getKey());
                    }
                }
                Map<String, int[]> pruned = hesso.prunedChannels();
                boolean samePruned =
                        pruned.keySet().equals(wholePruned.keySet())
                                && pruned.keySet().stream()
                                        .allMatch(
                                                g ->
                                                        Arrays.equals(
                                                                pruned.get(g), wholePruned.get(g)));
                boolean sameDriver = wholeState.driver().equals(hesso.checkpoint().driver());
                if (differ.isEmpty() && samePruned && sameDriver) {
                    add(
                            ZooStage.RESUME,
                            Outcome.PASS,
                            "stopped after step "
                                    + STOP
                                    + ", resumed to "
                                    + STEPS
                                    + ": "
                                    + whole.size()
                                    + " parameters, pruned channels and driver state bit for bit");
                } else {
                    add(
                            ZooStage.RESUME,
                            Outcome.FAILED,
                            "resumed run differs: parameters "
                                    + differ
                                    + (samePruned ? "" : ", pruned channels")
                                    + (sameDriver ? "" : ", driver state"));
                }
            } catch (RuntimeException e) {
                fail(ZooStage.RESUME, e);
            }
        }

        private List<NDList> batches(NDManager manager) {
            Shape sample = model.sampleShape();
            if (sample.dimension() != 2) {
                return SyntheticData.fixedBatches(
                        manager, BATCHES, BATCH, sample, model.classes(), DATA_SEED);
            }
            // tokens: blob features of T * F values per sample, read as T tokens of F
            return SyntheticData.fixedBatches(
                            manager,
                            BATCHES,
                            BATCH,
                            new Shape(sample.size()),
                            model.classes(),
                            DATA_SEED)
                    .stream()
                    .map(b -> new NDList(b.get(0).reshape(input), b.get(1)))
                    .toList();
        }

        /** The findings (or, without findings, the unprunable groups' reasons), the first three. */
        private String why(DiscoveryReport report) {
            List<String> reasons =
                    report.findings().stream().map(Object::toString).distinct().toList();
            if (reasons.isEmpty()) {
                reasons =
                        report.groups().stream()
                                .filter(g -> !g.group().prunable())
                                .map(g -> g.name() + ": " + g.group().reason())
                                .distinct()
                                .toList();
            }
            int shown = Math.min(3, reasons.size());
            return String.join("; ", reasons.subList(0, shown))
                    + (reasons.size() > shown ? "; and " + (reasons.size() - shown) + " more" : "");
        }

        private ZooStage nextStage() {
            return ZooStage.values()[results.size()];
        }

        private void add(ZooStage stage, Outcome outcome, String detail) {
            results.add(new StageResult(stage, outcome, detail));
        }

        private void fail(ZooStage stage, Throwable e) {
            if (debug != null) {
                debug.println("hesso check zoo: " + model.name() + " " + stage.label() + ":");
                e.printStackTrace(debug);
                debug.flush();
            }
            add(stage, Outcome.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
        }

        private void skip(ZooStage from, ZooStage to, String why) {
            for (int i = from.ordinal(); i <= to.ordinal(); i++) {
                add(ZooStage.values()[i], Outcome.SKIPPED, why);
            }
        }

        private void skipRemaining(String why) {
            if (results.size() < ZooStage.values().length) {
                skip(nextStage(), ZooStage.RESUME, why);
            }
        }

        private void skipRemainingBefore(ZooStage stop, String why) {
            if (results.size() < stop.ordinal()) {
                skip(nextStage(), ZooStage.values()[stop.ordinal() - 1], why);
            }
        }

        /** An exception escaped a stage: it fails there, the rest are skipped. */
        void failRemaining(Throwable e) {
            if (results.size() < ZooStage.values().length) {
                fail(nextStage(), e);
                skipRemaining("an earlier stage failed");
            }
        }
    }

    private static Optimizer optimizer(Block block) {
        return Hesso.sgd()
                .setLearningRate(LEARNING_RATE)
                .setBlock(block)
                .optMomentum(0.9)
                .setPruning(pruning())
                .build();
    }

    private static void copyParameters(Block block, Map<String, NDArray> into, NDManager manager) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray copy = p.getValue().getArray().duplicate();
            copy.attach(manager);
            into.put(p.getKey(), copy);
        }
    }

    private static Map<String, byte[]> parameterBytes(Block block) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            bytes.put(p.getKey(), p.getValue().getArray().toByteArray());
        }
        return bytes;
    }
}
