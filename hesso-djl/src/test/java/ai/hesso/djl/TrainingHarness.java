package ai.hesso.djl;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import ai.hesso.core.group.ChannelAxis;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import java.util.function.Function;

/** Builds seeded models and trainers and runs hand-written training steps. */
final class TrainingHarness implements AutoCloseable {

    final Model model;
    final Trainer trainer;
    final Optimizer optimizer;

    TrainingHarness(
            Block block, Shape inputShape, long seed, Function<Block, Optimizer> optimizer) {
        Engine.getInstance().setRandomSeed((int) seed);
        model = Model.newInstance("harness");
        model.setBlock(block);
        this.optimizer = optimizer.apply(block);
        DefaultTrainingConfig config =
                new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .optOptimizer(this.optimizer);
        trainer = model.newTrainer(config);
        trainer.initialize(inputShape);
    }

    /** One forward, backward and optimizer step on a batch; returns the loss. */
    float step(NDList batch) {
        float loss;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            NDList predictions = trainer.forward(new NDList(batch.get(0)));
            try (NDArray value =
                    trainer.getLoss().evaluate(new NDList(batch.get(1)), predictions)) {
                collector.backward(value);
                loss = value.getFloat();
            }
            predictions.close();
        }
        if (optimizer instanceof HessoOptimizer hesso) {
            hesso.setLoss(loss);
        }
        trainer.step();
        return loss;
    }

    /** Returns how many channels of a node group are exactly zero in every member tensor. */
    int zeroChannels(NodeGroup group) {
        return zeroChannels(model.getBlock(), group);
    }

    /** Returns how many channels of a node group of {@code block} are exactly zero. */
    static int zeroChannels(Block block, NodeGroup group) {
        int zeros = 0;
        for (int c = 0; c < group.channels(); c++) {
            boolean zero = true;
            for (GroupMember member : group.members()) {
                NDArray array = parameter(block, member.tensor()).getArray();
                try (NDArray front =
                                member.axis() == ChannelAxis.FIRST
                                        ? array.duplicate()
                                        : array.swapAxes(0, 1);
                        NDArray rows = front.reshape(group.channels(), -1);
                        NDArray row = rows.get(c);
                        NDArray abs = row.abs();
                        NDArray max = abs.max()) {
                    zero &= max.getFloat() == 0f;
                }
            }
            zeros += zero ? 1 : 0;
        }
        return zeros;
    }

    Parameter parameter(String name) {
        return parameter(model.getBlock(), name);
    }

    static Parameter parameter(Block block, String name) {
        for (Pair<String, Parameter> pair : block.getParameters()) {
            if (pair.getKey().equals(name)) {
                return pair.getValue();
            }
        }
        throw new IllegalArgumentException("no parameter " + name);
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}
