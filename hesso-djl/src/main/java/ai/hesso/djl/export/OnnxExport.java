package ai.hesso.djl.export;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.hesso.djl.compact.CompactModel;
import ai.hesso.djl.compact.CompactionException;
import ai.hesso.djl.engine.AtomicFiles;
import ai.hesso.djl.layers.LayerRegistry;
import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Writes a DJL block (a compact model's, typically) as a standard ONNX file that any ONNX runtime
 * can serve: ONNX Runtime from Java directly or through DJL's ONNX Runtime engine, from Python, C++
 * or C#. See {@code docs/export.md}.
 *
 * <pre>{@code
 * try (CompactModel compact = hesso.compact()) {
 *     OnnxExport.write(compact, Path.of("compact.onnx"));
 * }
 * // or, with options:
 * OnnxExport.builder().setInputShape(new Shape(1, 1, 28, 28)).optFoldBatchNorm(false).build()
 *         .export(block, Path.of("model.onnx"));
 * }</pre>
 *
 * <p>The graph has one float32 input {@code input} of the given shape with a dynamic batch axis
 * (named {@code batch}) and one output {@code output} per block output; the opset is {@value
 * #OPSET} (default domain), the IR version {@value #IR_VERSION}. Every block is written by its
 * {@link ai.hesso.djl.layers.LayerSupport#export}; lambdas and joins are identified by the {@link
 * FunctionCatalogue}. With batch-norm folding (the default) the block is first rewritten by {@link
 * BatchNormFolding} (the given block is left as it is). Inference only: dropout is the identity,
 * batch norms use their running statistics.
 *
 * <p>Refused, with an {@link OnnxExportException} naming the block path and class, before any file
 * is touched: a block that is not initialized, a block type with no support or no export, a lambda
 * or join that matches no known function, a setting ONNX cannot express. The file is written to a
 * temporary file in the same directory and moved into place, so a failed export leaves no partial
 * file.
 */
public final class OnnxExport {

    /** The ONNX operator set the files use (default domain). */
    public static final int OPSET = 17;

    /** The ONNX IR version of the files (the one opset 17 came with). */
    public static final int IR_VERSION = 8;

    /** The name of the graph's input. */
    public static final String INPUT = "input";

    /** The name of the graph's output (with several outputs: {@code output0}, {@code output1}). */
    public static final String OUTPUT = "output";

    /** The name of the dynamic batch axis. */
    public static final String BATCH = "batch";

    private static final long CATALOGUE_SEED = 20240911L;

    private final Shape inputShape;
    private final boolean foldBatchNorm;
    private final LayerRegistry registry;

    private OnnxExport(Builder builder) {
        this.inputShape = builder.inputShape;
        this.foldBatchNorm = builder.foldBatchNorm;
        this.registry = builder.registry;
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Writes a block with the default options (batch norms folded, the built-in layer supports).
     *
     * @param block the initialized block
     * @param inputShape its input shape, batch axis first (any batch size: the file's is dynamic)
     * @param file the {@code .onnx} file to write, replaced when it exists
     * @throws IOException naming the file when it cannot be written
     * @throws OnnxExportException naming the block that cannot be exported
     */
    public static void write(Block block, Shape inputShape, Path file) throws IOException {
        builder().setInputShape(inputShape).build().export(block, file);
    }

    /**
     * Writes a compact model with the default options, at the input shape it was compacted with.
     *
     * @param compact the compact model
     * @param file the {@code .onnx} file to write, replaced when it exists
     * @throws IOException naming the file when it cannot be written
     * @throws OnnxExportException naming the block that cannot be exported
     */
    public static void write(CompactModel compact, Path file) throws IOException {
        Shape[] shapes = compact.inputShapes();
        if (shapes.length != 1) {
            throw new IllegalArgumentException(
                    "ONNX export takes a model with one input; this compact model has "
                            + shapes.length);
        }
        write(compact.model().getBlock(), shapes[0], file);
    }

    /**
     * Writes a block as an ONNX file.
     *
     * @param block the initialized block, left unchanged
     * @param file the {@code .onnx} file to write, replaced when it exists; its directory must
     *     exist
     * @throws IOException naming the file when it cannot be written (nothing is left behind)
     * @throws OnnxExportException naming the block that cannot be exported (no file is touched)
     */
    public void export(Block block, Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        OnnxMl.ModelProto model = toModel(block);
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException(
                    "cannot write ONNX file " + file + ": directory " + dir + " does not exist");
        }
        Path temp;
        try {
            temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        } catch (IOException e) {
            throw new IOException("cannot write ONNX file " + file + ": " + e, e);
        }
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                model.writeTo(out);
            }
            AtomicFiles.replace(temp, target);
        } catch (IOException e) {
            throw new IOException("cannot write ONNX file " + file + ": " + e, e);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Builds the ONNX model of a block in memory.
     *
     * @param block the initialized block, left unchanged
     * @return the model
     * @throws OnnxExportException naming the block that cannot be exported
     */
    public OnnxMl.ModelProto toModel(Block block) {
        Objects.requireNonNull(block, "block");
        requireInitialized(block);
        // the catalogue's references and the folded copy run on the block's own engine, whatever
        // DJL's default engine is
        try (NDManager manager =
                block.getParameters().isEmpty()
                        ? NDManager.newBaseManager()
                        : block.getParameters()
                                .valueAt(0)
                                .getArray()
                                .getManager()
                                .newSubManager()) {
            Block source = block;
            if (foldBatchNorm && BatchNormFolding.countFoldable(block, inputShape, registry) > 0) {
                try {
                    source = BatchNormFolding.fold(block, manager, inputShape, registry);
                } catch (CompactionException e) {
                    throw new OnnxExportException(
                            e.blockPath(),
                            "cannot fold the batch norms before export: folding rebuilds every"
                                    + " block, and "
                                    + e.getMessage()
                                    + "; export with optFoldBatchNorm(false)",
                            e);
                }
            }
            OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName("hesso");
            ExportContext ctx =
                    new ExportContext(
                            registry, new FunctionCatalogue(manager, CATALOGUE_SEED), graph);
            ctx.declare(INPUT, inputShape);
            graph.addInput(valueInfo(INPUT, inputShape));
            List<String> outputs = ctx.visit(source, "", List.of(INPUT));
            Shape[] expected = source.getOutputShapes(new Shape[] {inputShape});
            if (outputs.size() != expected.length) {
                throw new OnnxExportException(
                        "",
                        "the export of the root block gave "
                                + outputs.size()
                                + " outputs where the block has "
                                + expected.length);
            }
            for (int i = 0; i < outputs.size(); i++) {
                String name = outputs.size() == 1 ? OUTPUT : OUTPUT + i;
                graph.addNode(
                        OnnxMl.NodeProto.newBuilder()
                                .setOpType("Identity")
                                .setName(name)
                                .addInput(outputs.get(i))
                                .addOutput(name));
                graph.addOutput(valueInfo(name, ctx.shape(outputs.get(i))));
            }
            return OnnxMl.ModelProto.newBuilder()
                    .setIrVersion(IR_VERSION)
                    .setProducerName("hesso-djl")
                    .addOpsetImport(
                            OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                    .setGraph(graph)
                    .build();
        }
    }

    /** Refuses a block with a parameter that has no array, naming the parameter. */
    static void requireInitialized(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (!p.getValue().isInitialized()) {
                String path = p.getKey();
                int cut = path.lastIndexOf('_');
                throw new OnnxExportException(
                        cut < 0 ? "" : path.substring(0, cut),
                        "cannot export a block that is not initialized: parameter "
                                + path
                                + " has no array (initialize the block, or load its parameters,"
                                + " first)");
            }
        }
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, Shape shape) {
        OnnxMl.TensorShapeProto.Builder dims = OnnxMl.TensorShapeProto.newBuilder();
        for (int i = 0; i < shape.dimension(); i++) {
            OnnxMl.TensorShapeProto.Dimension.Builder d =
                    OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (i == 0) {
                d.setDimParam(BATCH);
            } else {
                d.setDimValue(shape.get(i));
            }
            dims.addDim(d);
        }
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(
                        OnnxMl.TypeProto.newBuilder()
                                .setTensorType(
                                        OnnxMl.TypeProto.Tensor.newBuilder()
                                                .setElemType(
                                                        OnnxMl.TensorProto.DataType.FLOAT
                                                                .getNumber())
                                                .setShape(dims)))
                .build();
    }

    /** Builds an {@link OnnxExport}: the input shape is required. */
    public static final class Builder {

        private Shape inputShape;
        private boolean foldBatchNorm = true;
        private LayerRegistry registry = LayerRegistry.defaults();

        private Builder() {}

        /**
         * Sets the input shape, batch axis first; the batch size is only used for tracing (the
         * file's batch axis is dynamic).
         *
         * @param inputShape a shape of rank at least 1 with positive sizes
         * @return this builder
         */
        public Builder setInputShape(Shape inputShape) {
            this.inputShape = inputShape;
            return this;
        }

        /**
         * Sets whether batch norms that follow a convolution or linear layer are folded into it
         * ({@link BatchNormFolding}) before export; the default is true. Unfolded, a batch norm is
         * written as a per-channel scale and shift.
         *
         * @param fold true to fold
         * @return this builder
         */
        public Builder optFoldBatchNorm(boolean fold) {
            this.foldBatchNorm = fold;
            return this;
        }

        /**
         * Sets the layer supports, for a model with block types of the user's own ({@code
         * report.layers()}, or a {@link LayerRegistry#builder()}); the default is the built-in
         * ones.
         *
         * @param registry the registry, not null
         * @return this builder
         */
        public Builder optRegistry(LayerRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Builds the exporter.
         *
         * @return the exporter
         * @throws IllegalArgumentException when the input shape is missing, of rank 0, or has a
         *     size below 1
         */
        public OnnxExport build() {
            if (inputShape == null || inputShape.dimension() == 0) {
                throw new IllegalArgumentException(
                        "ONNX export needs the input shape, batch axis first, e.g. (1, 1, 28, 28);"
                                + " got "
                                + inputShape);
            }
            for (long d : inputShape.getShape()) {
                if (d < 1) {
                    throw new IllegalArgumentException(
                            "every size of the input shape must be at least 1, got " + inputShape);
                }
            }
            return new OnnxExport(this);
        }
    }
}
