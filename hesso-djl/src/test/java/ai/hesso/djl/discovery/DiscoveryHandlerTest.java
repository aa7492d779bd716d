package ai.hesso.djl.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import ai.hesso.djl.layers.CostContext;
import ai.hesso.djl.layers.LayerSupport;
import ai.hesso.djl.layers.RebuildContext;
import ai.hesso.fixtures.DiscoveryModels;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The discovery half of the public {@link LayerSupport} extension point (a user's support for a
 * custom block, replacing a built-in one for the same class), and the block paths every group
 * carries.
 */
class DiscoveryHandlerTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void groupsNameTheirProducingAndConsumingBlocks() {
        Block vgg = Models.init(DiscoveryModels.vgg(), manager, DiscoveryModels.IMAGE_INPUT);
        DiscoveryReport r =
                GroupDiscovery.builder().build().discover(vgg, DiscoveryModels.IMAGE_INPUT);
        assertEquals(
                new GroupBlocks(List.of("01Conv2d", "02BatchNorm"), List.of("04Conv2d")),
                r.group("01Conv2d").orElseThrow().blocks());
        assertEquals(
                new GroupBlocks(List.of("04Conv2d", "05BatchNorm"), List.of("09Linear")),
                r.group("04Conv2d").orElseThrow().blocks());
        assertEquals(
                new GroupBlocks(List.of("11Linear"), List.of()),
                r.group("11Linear").orElseThrow().blocks());

        Block inception =
                Models.init(DiscoveryModels.inception(), manager, DiscoveryModels.IMAGE_INPUT);
        DiscoveryReport ri =
                GroupDiscovery.builder().build().discover(inception, DiscoveryModels.IMAGE_INPUT);
        String p = "03ParallelBlock_";
        assertEquals(
                new GroupBlocks(
                        List.of("01Conv2d"),
                        List.of(
                                p + "01SequentialBlock_01Conv2d",
                                p + "02SequentialBlock_01Conv2d",
                                p + "03SequentialBlock_02Conv2d")),
                ri.group("01Conv2d").orElseThrow().blocks());
        assertEquals(
                new GroupBlocks(List.of(p + "02SequentialBlock_03Conv2d"), List.of("04Conv2d")),
                ri.group(p + "02SequentialBlock_03Conv2d").orElseThrow().blocks());
    }

    @Test
    void userSupportMakesACustomBlockPrunable() {
        Shape input = DiscoveryModels.MLP_INPUT;
        Block block = Models.init(modelWithScale(), manager, input);

        DiscoveryReport without = GroupDiscovery.builder().build().discover(block, input);
        assertFalse(without.group("01Linear").orElseThrow().group().prunable());

        DiscoveryReport r =
                GroupDiscovery.builder()
                        .optLayer(new ScaleSupport())
                        .build()
                        .discover(block, input);
        DiscoveredGroup g = r.group("01Linear").orElseThrow();
        assertTrue(g.group().prunable(), g.group().reason());
        assertEquals(
                List.of("01Linear_weight", "01Linear_bias", "03Scale_scale"), Models.members(g));
        assertEquals(List.of(new ParameterSlice("04Linear_weight", 1, 0, 1)), g.consumers());
        assertEquals(
                new GroupBlocks(List.of("01Linear", "03Scale"), List.of("04Linear")), g.blocks());
        assertTrue(r.findings().stream().noneMatch(f -> f.subject().startsWith("03Scale")));
        List<SanityResult> sanity = SanityCheck.builder().build().check(block, r, input);
        assertEquals(2, sanity.size());
        for (SanityResult s : sanity) {
            assertTrue(s.passed(), s.toString());
        }
    }

    @Test
    void userSupportForACustomResidualBlockCouplesItsSum() {
        Shape input = DiscoveryModels.MLP_INPUT;
        Block block =
                Models.init(
                        new SequentialBlock()
                                .add(Linear.builder().setUnits(8).build())
                                .add(new Residual(Linear.builder().setUnits(8).build()))
                                .add(Activation.reluBlock())
                                .add(Linear.builder().setUnits(3).build()),
                        manager,
                        input);

        DiscoveryReport without = GroupDiscovery.builder().build().discover(block, input);
        DiscoveredGroup blocked = without.group("01Linear").orElseThrow();
        assertFalse(blocked.group().prunable());
        assertTrue(
                blocked.group().reason().contains("unsupported block 02Residual (Residual)"),
                blocked.group().reason());

        DiscoveryReport r =
                GroupDiscovery.builder()
                        .optLayer(new ResidualSupport())
                        .build()
                        .discover(block, input);
        assertEquals(2, r.groups().size(), r.format());
        DiscoveredGroup g = r.group("01Linear").orElseThrow();
        assertTrue(g.group().prunable(), g.group().reason());
        // x + inner(x): the inner layer's units are the same channels as x
        assertEquals(
                List.of(
                        "01Linear_weight",
                        "01Linear_bias",
                        "02Residual_01Linear_weight",
                        "02Residual_01Linear_bias"),
                Models.members(g));
        assertEquals(
                List.of(
                        new ParameterSlice("02Residual_01Linear_weight", 1, 0, 1),
                        new ParameterSlice("04Linear_weight", 1, 0, 1)),
                g.consumers());
        assertTrue(r.findings().stream().noneMatch(f -> f.subject().startsWith("02Residual")));
        SanityResult sanity = SanityCheck.builder().build().check(block, r, input).get(0);
        assertEquals(0.0, sanity.maxDifference(), sanity.toString());
    }

    @Test
    void userSupportsReplaceTheBuiltInOnes() {
        Shape input = DiscoveryModels.MLP_INPUT;
        Block block = Models.init(DiscoveryModels.mlp(), manager, input);
        LayerSupport<Linear> refuseLinear =
                new LayerSupport<>() {
                    @Override
                    public Class<Linear> blockType() {
                        return Linear.class;
                    }

                    @Override
                    public List<Trace> trace(
                            Linear b, String path, List<Trace> inputs, DiscoveryContext ctx) {
                        return ctx.unsupported(b, path, inputs, "refused by the user", true);
                    }

                    @Override
                    public Shape[] cost(Linear b, String path, Shape[] in, CostContext ctx) {
                        return b.getOutputShapes(in);
                    }

                    @Override
                    public Linear rebuild(Linear b, String path, RebuildContext ctx) {
                        return b;
                    }
                };
        DiscoveryReport r =
                GroupDiscovery.builder().optLayer(refuseLinear).build().discover(block, input);
        assertTrue(r.groups().isEmpty(), r.format());
        assertTrue(
                r.findings().stream()
                        .anyMatch(
                                f ->
                                        f.subject().equals("03Linear")
                                                && f.message().contains("refused by the user")),
                r.findings().toString());
    }

    private static SequentialBlock modelWithScale() {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(8).build())
                .add(Activation.reluBlock())
                .add(new Scale())
                .add(Linear.builder().setUnits(6).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(3).build());
    }

    /** The user's support: a scale follows its input's channels. */
    static final class ScaleSupport implements LayerSupport<Scale> {
        @Override
        public Class<Scale> blockType() {
            return Scale.class;
        }

        @Override
        public List<Trace> trace(Scale block, String path, List<Trace> in, DiscoveryContext ctx) {
            Trace x = ctx.relayout(in.get(0), 1, path);
            return List.of(ctx.follow(x, block, path, x.shape(), List.of("scale"), List.of()));
        }

        @Override
        public Shape[] cost(Scale block, String path, Shape[] in, CostContext ctx) {
            return in;
        }

        @Override
        public Scale rebuild(Scale block, String path, RebuildContext ctx) {
            return new Scale();
        }
    }

    /** The user's support for {@link Residual}: trace the inner block, then add the input. */
    static final class ResidualSupport implements LayerSupport<Residual> {
        @Override
        public Class<Residual> blockType() {
            return Residual.class;
        }

        @Override
        public List<Trace> trace(
                Residual block, String path, List<Trace> in, DiscoveryContext ctx) {
            Pair<String, Block> inner = block.getChildren().get(0);
            List<Trace> y =
                    ctx.visit(
                            inner.getValue(), DiscoveryContext.paramPath(path, inner.getKey()), in);
            Trace x = in.get(0);
            return List.of(ctx.sum(path, List.of(y.get(0), x), x.shape()));
        }

        @Override
        public Shape[] cost(Residual block, String path, Shape[] in, CostContext ctx) {
            Pair<String, Block> inner = block.getChildren().get(0);
            ctx.visit(inner.getValue(), DiscoveryContext.paramPath(path, inner.getKey()), in);
            return in;
        }

        @Override
        public Residual rebuild(Residual block, String path, RebuildContext ctx) {
            return new Residual(ctx.children(block, path).get(0));
        }
    }

    /** A custom residual block: {@code x + inner(x)}. */
    static final class Residual extends AbstractBlock {
        private final Block inner;

        Residual(Block inner) {
            this.inner = addChildBlock("Linear", inner);
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore store,
                NDList inputs,
                boolean training,
                PairList<String, Object> params) {
            NDList y = inner.forward(store, inputs, training, params);
            return new NDList(inputs.singletonOrThrow().add(y.singletonOrThrow()));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }

        @Override
        public void initializeChildBlocks(
                NDManager manager, DataType dataType, Shape... inputShapes) {
            inner.initialize(manager, dataType, inputShapes);
        }
    }

    /** A custom block: multiplies feature {@code j} of {@code (N, C)} by a learned scale. */
    static final class Scale extends AbstractBlock {
        private final Parameter scale;

        Scale() {
            scale =
                    addParameter(
                            Parameter.builder()
                                    .setName("scale")
                                    .setType(Parameter.Type.GAMMA)
                                    .build());
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore store,
                NDList inputs,
                boolean training,
                PairList<String, Object> params) {
            return new NDList(
                    inputs.singletonOrThrow()
                            .mul(store.getValue(scale, inputs.head().getDevice(), training)));
        }

        @Override
        public void prepare(Shape[] inputShapes) {
            scale.setShape(new Shape(inputShapes[0].get(1)));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }

        @Override
        public void initializeChildBlocks(
                NDManager manager, DataType dataType, Shape... inputShapes) {}
    }
}
