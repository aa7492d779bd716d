package ai.hesso.djl.custom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
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
import ai.hesso.core.cost.LayerMacModel;
import ai.hesso.core.group.GroupMember;
import ai.hesso.djl.compact.BlockCost;
import ai.hesso.djl.compact.CompactModel;
import ai.hesso.djl.compact.Compaction;
import ai.hesso.djl.compact.LayerCost;
import ai.hesso.djl.cost.BlockMacs;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.discovery.DiscoveryContext.MemberRows;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.djl.discovery.ParameterSlice;
import ai.hesso.djl.discovery.Trace;
import ai.hesso.djl.engine.ChannelRows;
import ai.hesso.djl.export.ExportContext;
import ai.hesso.djl.export.OnnxExport;
import ai.hesso.djl.export.OnnxExportException;
import ai.hesso.djl.export.OrtRunner;
import ai.hesso.djl.layers.CostContext;
import ai.hesso.djl.layers.LayerRegistry;
import ai.hesso.djl.layers.LayerSupport;
import ai.hesso.djl.layers.LayerWidth;
import ai.hesso.djl.layers.MacShape;
import ai.hesso.djl.layers.RebuildContext;
import ai.hesso.djl.layers.RemovedIndices;
import ai.hesso.fixtures.ParameterValues;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A block type the library does not know, taught once through the public {@link LayerSupport}
 * extension point alone (this package sees no library internals): discovery, MAC counting, MAC
 * budgets, compaction and (with the optional export) ONNX export all follow. Its channels own two
 * rows each, so it also checks that the "rows of channel c" view ({@link ChannelRows}) honours
 * {@code rowsPerChannel}.
 */
class CustomLayerIT {

    private static final Shape INPUT = new Shape(4, 5);
    private static final String PAIRS = "03PairSum";

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Linear(8) relu PairSum(6) relu Linear(3), seeded. */
    private Block model() {
        Block block =
                new SequentialBlock()
                        .add(Linear.builder().setUnits(8).build())
                        .add(Activation.reluBlock())
                        .add(new PairSum(6))
                        .add(Activation.reluBlock())
                        .add(Linear.builder().setUnits(3).build());
        block.initialize(manager, DataType.FLOAT32, INPUT);
        Random random = new Random(7);
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray arr = p.getValue().getArray();
            float[] data = new float[Math.toIntExact(arr.size())];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) (0.5 * random.nextGaussian());
            }
            ParameterValues.set(arr, data);
        }
        return block;
    }

    private static DiscoveryReport discover(Block block) {
        return GroupDiscovery.builder()
                .optLayer(new PairSumSupport())
                .build()
                .discover(block, INPUT);
    }

    @Test
    void discoveryFindsTheCustomBlocksChannelsWithTwoRowsEach() {
        DiscoveryReport r = discover(model());
        DiscoveredGroup g = r.group(PAIRS).orElseThrow(() -> new AssertionError(r.format()));
        assertTrue(g.group().prunable(), g.group().reason());
        assertEquals(6, g.group().channels());
        assertEquals(
                List.of(
                        GroupMember.rowBlocks(PAIRS + "_weight", 2),
                        GroupMember.rowBlocks(PAIRS + "_bias", 2)),
                g.group().members());
        assertEquals(List.of(new ParameterSlice("05Linear_weight", 1, 0, 1)), g.consumers());
        assertEquals(
                List.of(new ParameterSlice(PAIRS + "_weight", 1, 0, 1)),
                r.group("01Linear").orElseThrow().consumers());
    }

    @Test
    void theRowsOfAChannelAreBothOfItsRows() {
        Block block = model();
        DiscoveryReport r = discover(block);
        DiscoveredGroup g = r.group(PAIRS).orElseThrow();
        GroupMember weight =
                g.group().members().stream()
                        .filter(m -> m.tensor().equals(PAIRS + "_weight"))
                        .findFirst()
                        .orElseThrow();
        assertEquals(2, weight.rowsPerChannel());
        assertEquals(2, ChannelRows.start(weight, 1));
        assertEquals(4, ChannelRows.end(weight, 1));
        NDArray tensor = block.getParameters().get(PAIRS + "_weight").getArray();
        float[] w = tensor.toFloatArray();
        try (NDArray matrix = ChannelRows.matrix(tensor, g.group(), weight)) {
            assertEquals(new Shape(6, 16), matrix.getShape());
            float[] rows = matrix.toFloatArray();
            // channel c's row holds weight rows 2c and 2c + 1, 8 columns each
            for (int c = 0; c < 6; c++) {
                for (int k = 0; k < 16; k++) {
                    assertEquals(w[(2 * c) * 8 + k], rows[c * 16 + k], "channel " + c + " " + k);
                }
            }
        }
    }

    @Test
    void zeroChannelsAreCompactedCountedAndBudgeted() {
        Block block = model();
        DiscoveryReport r = discover(block);
        zeroRows(block, PAIRS + "_weight", 8, 2, 3, 8, 9);
        zeroRows(block, PAIRS + "_bias", 1, 2, 3, 8, 9);
        NDArray x = manager.randomNormal(INPUT);
        float[] before = forward(block, x);
        LayerMacModel budget = BlockMacs.of(block, r, INPUT);
        assertEquals(BlockCost.of(block, r.layers(), INPUT).macs(), budget.denseCost());
        try (CompactModel compact = Compaction.compactZeroChannels(block, r, INPUT)) {
            assertArrayEquals(new int[] {1, 4}, compact.selection().removed(PAIRS));
            Block small = compact.model().getBlock();
            assertEquals(
                    new Shape(8, 8),
                    small.getParameters().get(PAIRS + "_weight").getArray().getShape());
            assertEquals(
                    new Shape(3, 4),
                    small.getParameters().get("05Linear_weight").getArray().getShape());
            float[] after = forward(small, x);
            for (int i = 0; i < before.length; i++) {
                assertEquals(before[i], after[i], 1e-5, "output " + i);
            }
            LayerCost pairs =
                    compact.report().layers().stream()
                            .filter(c -> c.path().equals(PAIRS))
                            .findFirst()
                            .orElseThrow()
                            .after();
            assertEquals(new LayerCost(PAIRS, "PairSum", 8, 4, 72, 4 * 2 * 8), pairs);
            long predicted =
                    budget.cost(group -> group.equals(PAIRS) ? 4 : budget.groupWidths().get(group));
            assertEquals(compact.report().after().macs(), predicted);
        }
    }

    @Test
    void theCompactModelIsExportedWithTheSupportsExportAndRunsInOnnxRuntime(@TempDir Path dir)
            throws Exception {
        Block block = model();
        DiscoveryReport r = discover(block);
        try (CompactModel compact =
                Compaction.compact(block, r, Map.of(PAIRS, new int[] {0, 3}), INPUT)) {
            Path file = dir.resolve("pairs.onnx");
            // the report's registry knows PairSum; the built-in one refuses it by name
            OnnxExportException refused =
                    assertThrows(
                            OnnxExportException.class,
                            () -> OnnxExport.write(compact, dir.resolve("refused.onnx")));
            assertEquals(PAIRS, refused.blockPath());
            OnnxExport.builder()
                    .setInputShape(INPUT)
                    .optRegistry(r.layers())
                    .build()
                    .export(compact.model().getBlock(), file);
            Shape batch = new Shape(16, 5);
            NDArray x = manager.randomNormal(batch);
            float[] djl = forward(compact.model().getBlock(), x);
            try (OrtRunner ort = new OrtRunner(file)) {
                float[] onnx = ort.run(x.toFloatArray(), batch);
                assertEquals(djl.length, onnx.length);
                for (int i = 0; i < djl.length; i++) {
                    assertEquals(djl[i], onnx[i], 1e-4, "output " + i);
                }
            }
        }
    }

    @Test
    void withoutItsSupportTheBlockIsUnsupportedAndRegistrationIsChecked() {
        DiscoveryReport plain = GroupDiscovery.builder().build().discover(model(), INPUT);
        assertTrue(plain.group("01Linear").orElseThrow().group().reason().contains("03PairSum"));
        IllegalArgumentException twice =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                LayerRegistry.builder()
                                        .optLayer(new PairSumSupport())
                                        .optLayer(new PairSumSupport()));
        assertTrue(twice.getMessage().startsWith("two layer supports for "), twice.getMessage());
    }

    private float[] forward(Block block, NDArray x) {
        return block.forward(new ParameterStore(manager, false), new NDList(x), false)
                .singletonOrThrow()
                .toFloatArray();
    }

    /** What the user writes once: the four parts of the block's knowledge. */
    static final class PairSumSupport implements LayerSupport<PairSum> {

        @Override
        public Class<PairSum> blockType() {
            return PairSum.class;
        }

        @Override
        public List<Trace> trace(
                PairSum block, String path, List<Trace> inputs, DiscoveryContext ctx) {
            Trace in = ctx.relayout(inputs.get(0), 1, path);
            ctx.consume(in, path, "weight", 1);
            Shape out = block.getOutputShapes(new Shape[] {in.shape()})[0];
            return List.of(
                    ctx.produceRuns(
                            null,
                            out,
                            1,
                            out.get(1),
                            List.of(
                                    new MemberRows(block, path, "weight", 2),
                                    new MemberRows(block, path, "bias", 2))));
        }

        @Override
        public Shape[] cost(PairSum block, String path, Shape[] inputs, CostContext ctx) {
            Shape[] out = block.getOutputShapes(inputs);
            long in = inputs[0].get(1);
            ctx.add(
                    path,
                    block,
                    in,
                    out[0].get(1),
                    ctx.perSample(out[0]) * 2 * in,
                    MacShape.weight(CostContext.parameter(path, "weight")));
            return out;
        }

        @Override
        public Optional<LayerWidth> width(PairSum block, String path, RemovedIndices removed) {
            String weight = CostContext.parameter(path, "weight");
            long rows = removed.shape(weight).get(0) - removed.count(weight, 0);
            return Optional.of(new LayerWidth(path, "PairSum", rows / 2, 1));
        }

        @Override
        public PairSum rebuild(PairSum block, String path, RebuildContext ctx) {
            return new PairSum(Math.toIntExact(ctx.width(block, path).width()));
        }

        /** The optional fifth part: {@code Gemm}, then each unit's two rows summed. */
        @Override
        public List<String> export(
                PairSum block, String path, List<String> inputs, ExportContext ctx) {
            Shape in = ctx.shape(inputs.get(0));
            long units = block.getParameters().get("weight").getArray().getShape().get(0) / 2;
            String rows =
                    ctx.node("Gemm", path)
                            .input(inputs.get(0))
                            .input(ctx.parameter(block, path, "weight"))
                            .input(ctx.parameter(block, path, "bias"))
                            .attribute("transB", 1L)
                            .output(new Shape(in.get(0), 2 * units));
            String pairs =
                    ctx.node("Reshape", path)
                            .input(rows)
                            .input(ctx.ints(path, "pairs", 0, units, 2))
                            .output(new Shape(in.get(0), units, 2));
            return List.of(
                    ctx.node("ReduceSum", path)
                            .input(pairs)
                            .input(ctx.ints(path, "axes", 2))
                            .attribute("keepdims", 0L)
                            .output(new Shape(in.get(0), units)));
        }
    }

    /** {@code y_j = (W x + b)_{2j} + (W x + b)_{2j+1}}: unit j owns two rows of W and b. */
    static final class PairSum extends AbstractBlock {
        private final int units;
        private final Parameter weight;
        private final Parameter bias;

        PairSum(int units) {
            this.units = units;
            weight =
                    addParameter(
                            Parameter.builder()
                                    .setName("weight")
                                    .setType(Parameter.Type.WEIGHT)
                                    .build());
            bias =
                    addParameter(
                            Parameter.builder()
                                    .setName("bias")
                                    .setType(Parameter.Type.BIAS)
                                    .build());
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore store,
                NDList inputs,
                boolean training,
                PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            NDArray w = store.getValue(weight, x.getDevice(), training);
            NDArray b = store.getValue(bias, x.getDevice(), training);
            NDArray rows = x.matMul(w.transpose()).add(b);
            return new NDList(rows.reshape(x.getShape().get(0), units, 2).sum(new int[] {2}));
        }

        @Override
        public void prepare(Shape[] inputShapes) {
            weight.setShape(new Shape(2L * units, inputShapes[0].get(1)));
            bias.setShape(new Shape(2L * units));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), units)};
        }
    }

    /**
     * Sets whole rows of a parameter to zero: channels 1 and 4 of the pairs own rows 2, 3, 8, 9.
     */
    private static void zeroRows(Block block, String tensor, int rowLength, int... rows) {
        NDArray array = block.getParameters().get(tensor).getArray();
        float[] values = array.toFloatArray();
        for (int row : rows) {
            java.util.Arrays.fill(values, row * rowLength, (row + 1) * rowLength, 0f);
        }
        ParameterValues.set(array, values);
    }
}
