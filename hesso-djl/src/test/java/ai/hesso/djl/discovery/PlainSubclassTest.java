package ai.hesso.djl.discovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.basicmodelzoo.basic.Mlp;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import ai.hesso.djl.compact.CompactModel;
import ai.hesso.djl.compact.Compaction;
import ai.hesso.djl.layers.LayerRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A subclass of a supported block that declares no method of its own (DJL's {@code Mlp}: a {@code
 * SequentialBlock} its constructor fills) is traced and rebuilt as its superclass; a subclass that
 * overrides a method is not, since it may compute something else.
 */
class PlainSubclassTest {

    /** A {@code SequentialBlock} whose forward pass doubles the output: not a plain subclass. */
    static final class DoublingSequential extends SequentialBlock {
        @Override
        protected NDList forwardInternal(
                ParameterStore store,
                NDList inputs,
                boolean training,
                PairList<String, Object> params) {
            NDList out = super.forwardInternal(store, inputs, training, params);
            return new NDList(out.singletonOrThrow().mul(2));
        }
    }

    @Test
    void djlMlpIsDiscoveredAndCompactedAsTheSequentialBlockItIs() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape input = new Shape(4, 5);
            Block block = Models.init(new Mlp(5, 3, new int[] {8, 6}), manager, input);
            assertTrue(LayerRegistry.defaults().find(block).isPresent());
            DiscoveryReport report = GroupDiscovery.builder().build().discover(block, input);
            assertEquals(
                    List.of(8, 6),
                    report.prunableGroups().stream().map(g -> g.group().channels()).toList(),
                    report.format());
            // zero channels 1 and 3 of the first hidden layer, then remove them
            DiscoveredGroup first = report.prunableGroups().get(0);
            for (ai.hesso.core.group.GroupMember member : first.group().members()) {
                for (Pair<String, Parameter> p : block.getParameters()) {
                    if (p.getKey().equals(member.tensor())) {
                        try (NDArray alias = p.getValue().getArray().stopGradient()) {
                            alias.set(new NDIndex("1"), 0f);
                            alias.set(new NDIndex("3"), 0f);
                        }
                    }
                }
            }
            try (CompactModel compact = Compaction.compactZeroChannels(block, report, input)) {
                assertArrayEquals(
                        new int[] {1, 3}, compact.selection().removed().get(first.name()));
                assertEquals(SequentialBlock.class, compact.model().getBlock().getClass());
                NDArray x = manager.randomNormal(input);
                ParameterStore store = new ParameterStore(manager, false);
                NDArray expected = block.forward(store, new NDList(x), false).singletonOrThrow();
                NDArray actual =
                        compact.model()
                                .getBlock()
                                .forward(store, new NDList(x), false)
                                .singletonOrThrow();
                assertTrue(expected.sub(actual).abs().max().getFloat() < 1e-6f);
            }
        }
    }

    @Test
    void aSubclassThatOverridesAMethodStaysUnsupported() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape input = new Shape(4, 5);
            SequentialBlock doubling = new DoublingSequential();
            doubling.add(Linear.builder().setUnits(8).build())
                    .add(Activation.reluBlock())
                    .add(Linear.builder().setUnits(3).build());
            Block block = Models.init(doubling, manager, input);
            assertTrue(LayerRegistry.defaults().find(block).isEmpty());
            DiscoveryReport report = GroupDiscovery.builder().build().discover(block, input);
            assertTrue(report.prunableGroups().isEmpty(), report.format());
        }
    }
}
