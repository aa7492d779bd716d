package ai.hesso.replay;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.djl.HessoOptimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the real DJL {@link HessoOptimizer} on given tensors and a given sequence of gradients, and
 * reports the final tensors and the pruned channels.
 *
 * <p>Each tensor becomes a float64 parameter of a small block, on the CPU. Each step puts the
 * step's gradient {@code G_t} on every parameter {@code x_t} with a real backward pass of {@code
 * loss = sum_t sum(x_t * G_t)} (whose gradient with respect to {@code x_t} is exactly {@code G_t}),
 * then calls {@link HessoOptimizer#update} once per parameter, in input order, as a DJL trainer
 * would.
 *
 * <p>Precision: all tensor arithmetic is float64, and every setting is used in double precision
 * (the learning rate through {@code setLearningRate(double)}, not a float {@code Tracker}).
 */
public final class Replay {

    /** Creates a replay runner; it holds no state between runs. */
    public Replay() {}

    /**
     * Replays the input's steps.
     *
     * @param input the validated input
     * @return the final tensors and the pruned channels of every node group
     */
    public ReplayResult run(ReplayInput input) {
        ReplaySettings s = input.settings();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            ReplayBlock block = new ReplayBlock();
            List<Parameter> parameters = new ArrayList<>();
            for (ReplayTensor tensor : input.tensors()) {
                Parameter parameter = block.add(tensor.name());
                parameter.setArray(manager.create(tensor.values(), shapeOf(tensor)));
                parameter.initialize(manager, DataType.FLOAT64);
                parameters.add(parameter);
            }
            checkNames(block, input);
            HessoOptimizer optimizer =
                    s.optimizerBuilder()
                            .setLearningRate(s.learningRate())
                            .setBlock(block)
                            .setPruning(s.hessoSettings())
                            .optNodeGroups(input.nodeGroups())
                            .optFailIfNothingToPrune(false)
                            .build();
            for (Map<String, double[]> gradients : input.gradients()) {
                step(manager, input.tensors(), parameters, gradients, optimizer);
            }
            Map<String, double[]> values = new LinkedHashMap<>();
            for (int i = 0; i < parameters.size(); i++) {
                values.put(
                        input.tensors().get(i).name(),
                        parameters.get(i).getArray().toDoubleArray());
            }
            return new ReplayResult(values, pruned(input, optimizer));
        }
    }

    private static void step(
            NDManager manager,
            List<ReplayTensor> tensors,
            List<Parameter> parameters,
            Map<String, double[]> gradients,
            HessoOptimizer optimizer) {
        try (NDManager temp = manager.newSubManager()) {
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = null;
                for (int i = 0; i < tensors.size(); i++) {
                    ReplayTensor tensor = tensors.get(i);
                    NDArray g = temp.create(gradients.get(tensor.name()), shapeOf(tensor));
                    // called on g, so the products live in temp, not on the parameter's manager
                    NDArray term = g.mul(parameters.get(i).getArray()).sum();
                    loss = loss == null ? term : loss.add(term);
                }
                collector.backward(loss);
            }
            for (Parameter parameter : parameters) {
                NDArray weight = parameter.getArray();
                NDArray gradient = weight.getGradient();
                gradient.attach(temp);
                optimizer.update(parameter.getId(), weight, gradient);
            }
        }
    }

    private static Map<String, int[]> pruned(ReplayInput input, HessoOptimizer optimizer) {
        Map<String, int[]> byDriver = input.steps() == 0 ? Map.of() : optimizer.prunedChannels();
        Map<String, int[]> pruned = new LinkedHashMap<>();
        for (NodeGroup group : input.nodeGroups()) {
            int[] channels = byDriver.getOrDefault(group.name(), new int[0]).clone();
            Arrays.sort(channels);
            pruned.put(group.name(), channels);
        }
        return pruned;
    }

    private static void checkNames(ReplayBlock block, ReplayInput input) {
        List<String> keys = new ArrayList<>();
        for (Pair<String, Parameter> pair : block.getParameters()) {
            keys.add(pair.getKey());
        }
        List<String> names = input.tensors().stream().map(ReplayTensor::name).toList();
        if (!keys.equals(names)) {
            throw new IllegalStateException(
                    "the replay block names its parameters " + keys + ", expected " + names);
        }
    }

    private static Shape shapeOf(ReplayTensor tensor) {
        return new Shape(Arrays.stream(tensor.shape()).mapToLong(d -> d).toArray());
    }
}
