package ai.hesso.core;

import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.reference.ReferenceEngine;
import ai.hesso.core.reference.ReferenceEngine.Tensor;
import ai.hesso.core.variant.VariantSettings;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A toy model for driver tests: {@code loss = base + sum_j w_j (x_j - target_j)^2} over all tensor
 * entries, so every gradient is {@code 2 w (x - target)} and each entry trains independently.
 */
final class QuadraticToy {

    final Map<String, Tensor> start = new LinkedHashMap<>();
    final Map<String, double[]> targets = new HashMap<>();
    final Map<String, double[]> weights = new HashMap<>();
    final double base;

    QuadraticToy(double base) {
        this.base = base;
    }

    /** Adds a tensor that starts at its target plus seeded noise, with weight 1. */
    QuadraticToy tensor(String name, int[] shape, long seed, double noise) {
        Random random = new Random(seed);
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        double[] target = new double[size];
        double[] values = new double[size];
        double[] weight = new double[size];
        for (int i = 0; i < size; i++) {
            target[i] = random.nextGaussian();
            values[i] = target[i] + noise * random.nextGaussian();
            weight[i] = 1;
        }
        return tensor(name, shape, values, target, weight);
    }

    /** Adds a tensor with explicit start values, targets and weights. */
    QuadraticToy tensor(
            String name, int[] shape, double[] values, double[] target, double[] weight) {
        start.put(name, new Tensor(shape, values.clone()));
        targets.put(name, target.clone());
        weights.put(name, weight.clone());
        return this;
    }

    Map<String, double[]> gradients(ReferenceEngine engine) {
        Map<String, double[]> gradients = new HashMap<>();
        for (String name : start.keySet()) {
            double[] x = engine.values(name);
            double[] g = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                g[i] = 2 * weights.get(name)[i] * (x[i] - targets.get(name)[i]);
            }
            gradients.put(name, g);
        }
        return gradients;
    }

    double loss(ReferenceEngine engine) {
        double loss = base;
        for (String name : start.keySet()) {
            double[] x = engine.values(name);
            for (int i = 0; i < x.length; i++) {
                double diff = x[i] - targets.get(name)[i];
                loss += weights.get(name)[i] * diff * diff;
            }
        }
        return loss;
    }

    ReferenceEngine engine(
            HessoSettings settings, List<NodeGroup> groups, VariantSettings variant, double lr) {
        return new ReferenceEngine(new HessoDriver(settings, groups), variant, lr, start);
    }

    /** Runs steps, handing each step's loss to the engine, and returns the last plan. */
    StepPlan run(ReferenceEngine engine, int steps) {
        StepPlan plan = null;
        for (int i = 0; i < steps; i++) {
            plan = engine.step(gradients(engine), loss(engine));
        }
        return plan;
    }
}
