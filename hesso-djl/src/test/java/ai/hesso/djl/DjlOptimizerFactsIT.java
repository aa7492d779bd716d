package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.LocalParameterServer;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.optimizer.Sgd;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Pins the DJL 0.29.0 / PyTorch 2.3.1 behaviour a custom {@link Optimizer} relies on. See
 * docs/djl-0.29-optimizer-notes.md for the explanation of every assertion.
 */
class DjlOptimizerFactsIT {

    private static final double TOL = 1e-6;

    /** Callback used by {@link HookOptimizer}. */
    interface Hook {
        void apply(HookOptimizer self, String parameterId, NDArray weight, NDArray grad);
    }

    /** A minimal custom optimizer that delegates to a hook. */
    static final class HookOptimizer extends Optimizer {
        private final Hook hook;

        HookOptimizer(Hook hook) {
            super(new Builder());
            this.hook = hook;
        }

        @Override
        public void update(String parameterId, NDArray weight, NDArray grad) {
            hook.apply(this, parameterId, weight, grad);
        }

        int countUpdate(String parameterId) {
            return updateCount(parameterId);
        }

        static final class Builder extends OptimizerBuilder<Builder> {
            @Override
            protected Builder self() {
                return this;
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Model newModel() {
        Model model = Model.newInstance("facts", Device.cpu(), "PyTorch");
        SequentialBlock net =
                new SequentialBlock()
                        .add(Linear.builder().setUnits(3).build())
                        .add(Linear.builder().setUnits(1).build());
        model.setBlock(net);
        return model;
    }

    private static Trainer newTrainer(Model model, Optimizer optimizer) {
        DefaultTrainingConfig config =
                new DefaultTrainingConfig(Loss.l2Loss())
                        .optOptimizer(optimizer)
                        .optDevices(new Device[] {Device.cpu()});
        Trainer trainer = model.newTrainer(config);
        trainer.initialize(new Shape(4, 2));
        return trainer;
    }

    private static NDArray inputs(NDManager m) {
        return m.create(new float[] {1f, 2f, -1f, 0.5f, 0.3f, -2f, 1.5f, 1f}, new Shape(4, 2));
    }

    private static NDArray labels(NDManager m) {
        return m.create(new float[] {1f, -1f, 0.5f, 2f}, new Shape(4, 1));
    }

    private static void forwardBackward(Trainer trainer, NDArray x, NDArray y) {
        try (GradientCollector gc = trainer.newGradientCollector()) {
            NDList pred = trainer.forward(new NDList(x));
            NDArray loss = trainer.getLoss().evaluate(new NDList(y), pred);
            gc.backward(loss);
        }
    }

    private static float[] gradOf(NDArray weight) {
        try (NDArray g = weight.getGradient()) {
            return g.toFloatArray();
        }
    }

    private static double l1(float[] a) {
        double s = 0;
        for (float v : a) {
            s += Math.abs(v);
        }
        return s;
    }

    private static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOL, what + "[" + i + "]");
        }
    }

    // ------------------------------------------------------------------ fact 1 (+6)

    @Test
    void fact1UpdateCallPatternIdsAndGrad() {
        try (Model model = newModel()) {
            List<String> calls = new ArrayList<>();
            List<Boolean> allGradsReadyAtFirstUpdate = new ArrayList<>();
            List<Boolean> weightIsParameterArray = new ArrayList<>();
            List<Boolean> gradIsACopyOfWeightGradient = new ArrayList<>();
            Map<String, Parameter> byId = new HashMap<>();
            Map<String, String> idToPath = new HashMap<>();
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                byId.put(p.getValue().getId(), p.getValue());
                idToPath.put(p.getValue().getId(), p.getKey());
            }
            HookOptimizer opt =
                    new HookOptimizer(
                            (self, id, w, g) -> {
                                if (calls.size() % byId.size() == 0) {
                                    boolean ready = true;
                                    for (Parameter p : byId.values()) {
                                        ready &= l1(gradOf(p.getArray())) > 0;
                                    }
                                    allGradsReadyAtFirstUpdate.add(ready);
                                }
                                calls.add(id);
                                weightIsParameterArray.add(byId.get(id).getArray() == w);
                                try (NDArray wg = w.getGradient()) {
                                    float[] before = wg.toFloatArray();
                                    boolean equalValues =
                                            java.util.Arrays.equals(before, g.toFloatArray());
                                    g.muli(0); // scribble on grad ...
                                    boolean untouched =
                                            java.util.Arrays.equals(
                                                    before, wg.toFloatArray()); // ... weight grad
                                    gradIsACopyOfWeightGradient.add(
                                            equalValues && untouched && wg != g);
                                }
                            });
            try (Trainer trainer = newTrainer(model, opt)) {
                NDManager m = trainer.getManager();
                NDArray x = inputs(m);
                NDArray y = labels(m);
                forwardBackward(trainer, x, y);
                trainer.step();
                forwardBackward(trainer, x, y);
                trainer.step();
            }
            int n = byId.size();
            assertEquals(4, n);
            assertEquals(2 * n, calls.size(), "one update per parameter per step (one device)");
            List<String> step1 = calls.subList(0, n);
            List<String> step2 = calls.subList(n, 2 * n);
            assertEquals(byId.keySet(), new HashSet<>(step1), "ids are Parameter.getId()");
            assertEquals(step1, step2, "same (hash-map) order every step");
            for (String id : step1) {
                assertEquals(id, UUID.fromString(id).toString(), "id is a random UUID");
            }
            assertEquals(
                    new HashSet<>(
                            List.of(
                                    "01Linear_weight",
                                    "01Linear_bias",
                                    "02Linear_weight",
                                    "02Linear_bias")),
                    new HashSet<>(idToPath.values()));
            assertEquals(List.of(true, true), allGradsReadyAtFirstUpdate);
            assertFalse(weightIsParameterArray.contains(false), "weight == parameter.getArray()");
            assertFalse(gradIsACopyOfWeightGradient.contains(false), "grad is a duplicate");
        }
    }

    @Test
    void fact6LocalParameterServerCallsUpdateOncePerDeviceCopyWithSummedGrad() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray w0 = m.create(new float[] {1f, 2f});
            NDArray w1 = m.create(new float[] {1f, 2f});
            w0.setRequiresGradient(true);
            w1.setRequiresGradient(true);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                gc.backward(w0.mul(3).sum());
                gc.backward(w1.mul(5).sum());
            }
            List<String> ids = new ArrayList<>();
            List<float[]> grads = new ArrayList<>();
            List<Integer> counts = new ArrayList<>();
            HookOptimizer opt =
                    new HookOptimizer(
                            (self, id, w, g) -> {
                                ids.add(id);
                                grads.add(g.toFloatArray());
                                counts.add(self.countUpdate(id));
                            });
            new LocalParameterServer(opt).update("p", new NDArray[] {w0, w1});
            assertEquals(List.of("p", "p"), ids);
            assertArrayEquals(new float[] {8f, 8f}, grads.get(0));
            assertArrayEquals(new float[] {8f, 8f}, grads.get(1));
            assertEquals(List.of(1, 2), counts, "updateCount counts device copies, not steps");
        }
    }

    // ------------------------------------------------------------------ fact 2

    @Test
    void fact2GradientsAccumulateUnlessTheOptimizerZeroesThem() {
        // (a) an optimizer that does nothing: second backward doubles the gradient
        try (Model model = newModel()) {
            Parameter p = model.getBlock().getParameters().get("01Linear_weight");
            try (Trainer trainer = newTrainer(model, new HookOptimizer((s, id, w, g) -> {}))) {
                NDArray x = inputs(trainer.getManager());
                NDArray y = labels(trainer.getManager());
                forwardBackward(trainer, x, y);
                float[] g1 = gradOf(p.getArray());
                trainer.step();
                forwardBackward(trainer, x, y);
                float[] g2 = gradOf(p.getArray());
                assertTrue(l1(g1) > 0);
                for (int i = 0; i < g1.length; i++) {
                    assertEquals(2 * g1[i], g2[i], 1e-5, "accumulated");
                }
            }
        }
        // (b) DJL Sgd zeroes weight.getGradient() inside its update (PtNDArrayEx.sgdUpdate)
        try (Model model = newModel()) {
            Parameter p = model.getBlock().getParameters().get("01Linear_weight");
            Sgd sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0f)).build();
            try (Trainer trainer = newTrainer(model, sgd)) {
                NDArray x = inputs(trainer.getManager());
                NDArray y = labels(trainer.getManager());
                forwardBackward(trainer, x, y);
                float[] g1 = gradOf(p.getArray());
                trainer.step();
                assertEquals(0.0, l1(gradOf(p.getArray())), "Sgd zeroed the gradient");
                forwardBackward(trainer, x, y);
                assertArrayEquals(g1, gradOf(p.getArray()), 1e-6f);
            }
        }
        // (c) custom optimizer zeroing weight.getGradient() in place: no accumulation;
        //     zeroing the `grad` argument would not help (it is a duplicate, see fact 1)
        try (Model model = newModel()) {
            Parameter p = model.getBlock().getParameters().get("01Linear_weight");
            HookOptimizer zeroing =
                    new HookOptimizer(
                            (s, id, w, g) -> {
                                try (NDArray wg = w.getGradient()) {
                                    wg.muli(0);
                                }
                            });
            try (Trainer trainer = newTrainer(model, zeroing)) {
                NDArray x = inputs(trainer.getManager());
                NDArray y = labels(trainer.getManager());
                forwardBackward(trainer, x, y);
                float[] g1 = gradOf(p.getArray());
                trainer.step();
                assertEquals(0.0, l1(gradOf(p.getArray())));
                forwardBackward(trainer, x, y);
                assertArrayEquals(g1, gradOf(p.getArray()), 1e-6f);
            }
        }
    }

    // ------------------------------------------------------------------ fact 3

    private static final float[] W0 = {0.5f, -1.0f, 2.0f};
    private static final float[][] G = {
        {0.1f, -0.2f, 0.3f}, {-0.4f, 0.5f, 0.05f}, {0.2f, 0.2f, -0.6f}
    };

    @Test
    void fact3AdamMatchesHandFormula() {
        float lr = 0.1f;
        float b1 = 0.9f;
        float b2 = 0.999f;
        float eps = 1e-8f;
        float wd = 0.05f;
        float rescale = 0.5f;
        List<Integer> numUpdates = new ArrayList<>();
        Adam adam =
                Optimizer.adam()
                        .optLearningRateTracker(
                                (Tracker)
                                        numUpdate -> {
                                            numUpdates.add(numUpdate);
                                            return lr;
                                        })
                        .optBeta1(b1)
                        .optBeta2(b2)
                        .optEpsilon(eps)
                        .optWeightDecays(wd)
                        .setRescaleGrad(rescale)
                        .build();
        double[] w = new double[3];
        double[] mean = new double[3];
        double[] var = new double[3];
        for (int i = 0; i < 3; i++) {
            w[i] = W0[i];
        }
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray weight = m.create(W0);
            for (int t = 1; t <= 3; t++) {
                try (NDArray grad = m.create(G[t - 1])) {
                    adam.update("w", weight, grad);
                }
                double lrbc = (float) (lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t)));
                for (int i = 0; i < 3; i++) {
                    double g = rescale * G[t - 1][i] + wd * w[i];
                    mean[i] = b1 * mean[i] + (1 - b1) * g;
                    var[i] = b2 * var[i] + (1 - b2) * g * g;
                    w[i] -= lrbc * mean[i] / (Math.sqrt(var[i]) + eps);
                }
                assertClose(w, weight.toFloatArray(), "adam step " + t);
            }
        }
        assertEquals(List.of(1, 2, 3), numUpdates);
    }

    @Test
    void fact3SgdMomentumMatchesHandFormula() {
        float lr = 0.1f;
        float mom = 0.9f;
        float wd = 0.1f;
        Sgd sgd =
                Optimizer.sgd()
                        .setLearningRateTracker(Tracker.fixed(lr))
                        .optMomentum(mom)
                        .optWeightDecays(wd)
                        .build();
        double[] w = new double[3];
        double[] state = new double[3];
        for (int i = 0; i < 3; i++) {
            w[i] = W0[i];
        }
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray weight = m.create(W0);
            for (int t = 1; t <= 3; t++) {
                try (NDArray grad = m.create(G[t - 1])) {
                    sgd.update("w", weight, grad);
                }
                for (int i = 0; i < 3; i++) {
                    double step = lr * (G[t - 1][i] + wd * w[i]);
                    state[i] = mom * state[i] + step; // state starts at 0 -> first step = step
                    w[i] -= state[i];
                }
                assertClose(w, weight.toFloatArray(), "sgd step " + t);
            }
        }
    }

    @Test
    void fact3SgdPlainRescaleAndOneSidedClip() {
        Sgd sgd =
                Optimizer.sgd()
                        .setLearningRateTracker(Tracker.fixed(1f))
                        .setRescaleGrad(2f)
                        .optClipGrad(0.25f)
                        .build();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray weight = m.create(new float[] {0f, 0f, 0f});
            try (NDArray grad = m.create(new float[] {-1f, 1f, 0.05f})) {
                sgd.update("w", weight, grad);
            }
            // g' = min(2*g, 0.25): clamp_max only, negative gradients are NOT clipped
            assertClose(new double[] {2.0, -0.25, -0.1}, weight.toFloatArray(), "clip");
        }
    }

    @Test
    void fact3TrackerNumUpdateIsGlobalMaxOfPerParameterCounts() {
        List<Integer> seen = new ArrayList<>();
        Sgd sgd =
                Optimizer.sgd()
                        .setLearningRateTracker(
                                (Tracker)
                                        numUpdate -> {
                                            seen.add(numUpdate);
                                            return 0f;
                                        })
                        .build();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray w = m.create(new float[] {1f});
            NDArray g = m.create(new float[] {1f});
            for (String id : new String[] {"a", "a", "a", "b", "a", "b"}) {
                sgd.update(id, w, g);
            }
        }
        assertEquals(List.of(1, 2, 3, 3, 4, 4), seen);
    }

    // ------------------------------------------------------------------ fact 4 (+5)

    @Test
    @SuppressWarnings("try") // a GradientCollector is opened for its effect (grad mode on)
    void fact4MemoryAndInPlaceUpdates() {
        try (NDManager root = NDManager.newBaseManager("PyTorch")) {
            NDArray w = root.create(new float[] {1f, 2f, 3f});
            w.setRequiresGradient(true);
            NDArray g = root.create(new float[] {0.1f, 0.1f, 0.1f});

            // results of ops are attached to the manager of the array the op is called on
            NDArray tmp = w.mul(2);
            assertSame(root, tmp.getManager());
            tmp.close();

            int base = root.getManagedArrays().size();
            assertEquals(2, base);

            // naive: one leaked temporary per call
            for (int i = 0; i < 10; i++) {
                w.subi(g.mul(0.01f));
            }
            assertEquals(base + 10, root.getManagedArrays().size(), "g.mul leaks");
            root.getManagedArrays().stream().filter(a -> a != w && a != g).forEach(NDArray::close);
            assertEquals(base, root.getManagedArrays().size());

            // NDArray.set(NDIndex, Number) leaks one scalar per call on the PyTorch engine
            for (int i = 0; i < 5; i++) {
                w.set(new NDIndex("0"), 1f);
            }
            assertEquals(base + 5, root.getManagedArrays().size(), "set(index, Number) leaks");
            root.getManagedArrays().stream().filter(a -> a != w && a != g).forEach(NDArray::close);

            // recommended pattern 1: explicit close
            long handle = ((PtNDArray) w).getHandle();
            for (int i = 0; i < 100; i++) {
                try (NDArray step = g.mul(0.01f)) {
                    NDArray same = w.subi(step);
                    assertSame(w, same);
                }
            }
            assertEquals(base, root.getManagedArrays().size(), "pattern 1 does not leak");

            // recommended pattern 2: scoped sub-manager + tempAttach
            for (int i = 0; i < 100; i++) {
                try (NDManager sub = NDManager.subManagerOf(w)) {
                    sub.tempAttachAll(w, g);
                    NDArray v = g.square().add(1e-8f).sqrt(); // all temporaries live on sub
                    w.subi(g.div(v).mul(0.001f));
                    w.muli(0.999f).addi(0f);
                    w.set(new NDIndex("2"), 3f); // its scalar lands on sub too
                }
                assertSame(root, w.getManager(), "tempAttach returns w to its manager");
            }
            assertEquals(base, root.getManagedArrays().size(), "pattern 2 does not leak");

            // in-place ops keep the same native tensor, which still requires grad
            assertEquals(handle, ((PtNDArray) w).getHandle());
            assertTrue(w.hasGradient());
            assertEquals(3f, w.toFloatArray()[2]);

            // fact 5: in-place on a requires-grad leaf is fine outside a GradientCollector
            // (grad mode off) but throws inside one
            try (GradientCollector gc = root.getEngine().newGradientCollector()) {
                assertThrows(EngineException.class, () -> w.subi(g));
            }
            w.subi(g);
        }
    }

    @Test
    @SuppressWarnings("try") // a GradientCollector is opened for its effect (grad mode on)
    void fact5GradModeIsThreadLocal() throws InterruptedException {
        AtomicReference<Throwable> error = new AtomicReference<>();
        try (NDManager root = NDManager.newBaseManager("PyTorch")) {
            NDArray w = root.create(new float[] {1f, 2f});
            w.setRequiresGradient(true);
            NDArray g = root.create(new float[] {1f, 1f});
            Thread t =
                    new Thread(
                            () -> {
                                try {
                                    w.subi(g);
                                } catch (Throwable e) {
                                    error.set(e);
                                }
                            });
            t.start();
            t.join();
            assertNotSame(null, error.get(), "fresh thread has torch grad mode ON -> throws");
            assertTrue(error.get() instanceof EngineException);

            // workaround: update through a detached alias (same storage, no autograd check)
            AtomicReference<Throwable> error2 = new AtomicReference<>();
            Thread t2 =
                    new Thread(
                            () -> {
                                try (NDArray alias = w.stopGradient()) {
                                    alias.subi(g);
                                } catch (Throwable e) {
                                    error2.set(e);
                                }
                            });
            t2.start();
            t2.join();
            assertEquals(null, error2.get());
            assertArrayEquals(new float[] {0f, 1f}, w.toFloatArray());
            try (GradientCollector gc = root.getEngine().newGradientCollector();
                    NDArray alias = w.stopGradient()) {
                alias.subi(g);
            }
            assertArrayEquals(new float[] {-1f, 0f}, w.toFloatArray());
            assertTrue(w.hasGradient());
        }
    }
}
