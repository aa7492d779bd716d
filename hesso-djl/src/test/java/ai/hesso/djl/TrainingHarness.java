package ai.hesso.djl;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import ai.hesso.core.group.ChannelAxis;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.fixtures.SeededTrainer;
import java.util.function.DoubleConsumer;
import java.util.function.Function;

/**
 * The shared {@link SeededTrainer} plus HESSO's test helpers: a {@link HessoOptimizer} gets each
 * step's loss, and node groups' zero channels can be counted.
 */
final class TrainingHarness implements AutoCloseable {

    private final SeededTrainer run;
    final Model model;
    final Trainer trainer;
    final Optimizer optimizer;

    TrainingHarness(
            Block block, Shape inputShape, long seed, Function<Block, Optimizer> optimizer) {
        run = new SeededTrainer(block, inputShape, (int) seed, optimizer);
        model = run.model();
        trainer = run.trainer();
        this.optimizer = run.optimizer();
        if (this.optimizer instanceof HessoOptimizer hesso) {
            run.setLossSink(hesso::setLoss);
        }
    }

    /**
     * Replaces what receives each step's loss (after the backward pass, before the update), e.g. to
     * poison a gradient before handing the loss on.
     */
    void setLossSink(DoubleConsumer sink) {
        run.setLossSink(sink);
    }

    /** One forward, backward and optimizer step on a batch; returns the loss. */
    float step(NDList batch) {
        return run.step(batch);
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
        run.close();
    }
}
