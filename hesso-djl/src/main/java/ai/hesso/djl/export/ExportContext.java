package ai.hesso.djl.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.hesso.djl.layers.LayerRegistry;
import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The state of one ONNX export, handed to every {@link ai.hesso.djl.layers.LayerSupport#export}:
 * the graph written so far (nodes and initializers), the static shape of every value (batch axis as
 * traced; the file's batch axis is dynamic), and the {@link FunctionCatalogue} that identifies
 * lambdas and joins.
 *
 * <p>A layer adds its nodes with {@link #node} and its weights with {@link #parameter} or {@link
 * #constant}; a container exports its children with {@link #visit}; a block it cannot express is
 * refused with {@link #refuse}. Value names are made unique here, so supports never collide.
 * Reshapes must keep the batch axis dynamic: copy it with 0 or infer it with -1 in the target
 * shape, never write the traced batch size.
 *
 * <p>Only {@link OnnxExport} creates contexts.
 */
public final class ExportContext {

    private final LayerRegistry registry;
    private final FunctionCatalogue functions;
    private final OnnxMl.GraphProto.Builder graph;
    private final Map<String, Shape> shapes = new HashMap<>();
    private final Set<String> names = new HashSet<>();
    private int counter;

    ExportContext(
            LayerRegistry registry, FunctionCatalogue functions, OnnxMl.GraphProto.Builder graph) {
        this.registry = registry;
        this.functions = functions;
        this.graph = graph;
    }

    /**
     * Exports a block with its layer support.
     *
     * @param block the block
     * @param path its path (the parent's path and the child's name joined by {@code
     *     DiscoveryContext.paramPath})
     * @param inputs the names of its input values
     * @return the names of its output values
     * @throws OnnxExportException naming the path and class when no support knows the block or its
     *     support has no export
     */
    public List<String> visit(Block block, String path, List<String> inputs) {
        Objects.requireNonNull(block, "block");
        List<String> out =
                registry.find(block)
                        .map(s -> LayerRegistry.exportWith(s, block, path, inputs, this))
                        .orElseThrow(
                                () ->
                                        refuse(
                                                block,
                                                path,
                                                "no layer support for its class"
                                                        + registry.refusal(block)
                                                                .map(r -> ": " + r)
                                                                .orElse(
                                                                        "; register one with an"
                                                                                + " export on"
                                                                                + " OnnxExport.builder()"
                                                                                + ".optRegistry(..)")));
        if (out == null || out.isEmpty()) {
            throw refuse(block, path, "its export gave no output value");
        }
        for (String name : out) {
            if (!shapes.containsKey(name)) {
                throw refuse(block, path, "its export gave an unknown value " + name);
            }
        }
        return out;
    }

    /**
     * Returns the static shape of a value, batch axis as traced.
     *
     * @param value the value name
     * @return its shape
     * @throws IllegalArgumentException when no node made the value
     */
    public Shape shape(String value) {
        Shape s = shapes.get(value);
        if (s == null) {
            throw new IllegalArgumentException("no value named " + value + " in the graph");
        }
        return s;
    }

    /**
     * Starts a node.
     *
     * @param opType the ONNX operator (default domain), e.g. {@code "Conv"}
     * @param path the block the node belongs to, for its value names
     * @return the node, added to the graph by {@link Node#output}
     */
    public Node node(String opType, String path) {
        return new Node(opType, path);
    }

    /**
     * Adds one of a block's direct parameters as an initializer, named by its DJL parameter path.
     *
     * @param block the block
     * @param path the block's path
     * @param name the parameter's name ({@code "weight"})
     * @return the value name
     * @throws OnnxExportException when the block has no such initialized float32 parameter
     */
    public String parameter(Block block, String path, String name) {
        Parameter p = block.getDirectParameters().get(name);
        if (p == null || !p.isInitialized()) {
            throw refuse(
                    block,
                    path,
                    p == null
                            ? "it has no parameter '" + name + "'"
                            : "its parameter '" + name + "' is not initialized");
        }
        return constant(path, name, p.getArray());
    }

    /**
     * Says whether a block has an initialized direct parameter of that name.
     *
     * @param block the block
     * @param name the parameter name
     * @return true when it has one
     */
    public static boolean hasParameter(Block block, String name) {
        Parameter p = block.getDirectParameters().get(name);
        return p != null && p.isInitialized();
    }

    /**
     * Adds a float32 initializer holding an array's values.
     *
     * @param path the block it belongs to
     * @param name a name within the block
     * @param array the values (any float type, written as float32)
     * @return the value name
     */
    public String constant(String path, String name, NDArray array) {
        return constant(
                path, name, array.toType(DataType.FLOAT32, false).toFloatArray(), array.getShape());
    }

    /**
     * Adds a float32 initializer.
     *
     * @param path the block it belongs to
     * @param name a name within the block
     * @param values the values, row-major
     * @param shape their shape
     * @return the value name
     * @throws IllegalArgumentException when the count does not match the shape
     */
    public String constant(String path, String name, float[] values, Shape shape) {
        if (values.length != shape.size()) {
            throw new IllegalArgumentException(
                    values.length + " values for a constant of shape " + shape);
        }
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        bytes.flip();
        String value = unique(join(path, name));
        graph.addInitializer(
                OnnxMl.TensorProto.newBuilder()
                        .setName(value)
                        .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .addAllDims(dims(shape))
                        .setRawData(ByteString.copyFrom(bytes))
                        .build());
        shapes.put(value, shape);
        return value;
    }

    /**
     * Adds a one-dimensional int64 initializer (a reshape's target shape, axes).
     *
     * @param path the block it belongs to
     * @param name a name within the block
     * @param values the values
     * @return the value name
     */
    public String ints(String path, String name, long... values) {
        String value = unique(join(path, name));
        OnnxMl.TensorProto.Builder t =
                OnnxMl.TensorProto.newBuilder()
                        .setName(value)
                        .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber())
                        .addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t.build());
        shapes.put(value, new Shape(values.length));
        return value;
    }

    /**
     * Returns the catalogue that identifies lambdas and joins.
     *
     * @return the catalogue
     */
    public FunctionCatalogue functions() {
        return functions;
    }

    /**
     * Makes the exception that refuses a block.
     *
     * @param block the block
     * @param path its path
     * @param why what cannot be exported and, where it helps, what would be accepted
     * @return the exception, to throw
     */
    public OnnxExportException refuse(Block block, String path, String why) {
        return new OnnxExportException(
                path,
                "cannot export block "
                        + display(path)
                        + " ("
                        + block.getClass().getName()
                        + ") to ONNX: "
                        + why);
    }

    /**
     * The path as messages show it.
     *
     * @param path a block path
     * @return the path, or {@code (root)} for the empty one
     */
    public static String display(String path) {
        return path.isEmpty() ? "(root)" : path;
    }

    void declare(String value, Shape shape) {
        names.add(value);
        shapes.put(value, shape);
    }

    private String unique(String base) {
        String name = base;
        while (!names.add(name)) {
            name = base + "_" + (++counter);
        }
        return name;
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "/" + name;
    }

    private static List<Long> dims(Shape shape) {
        List<Long> out = new ArrayList<>();
        for (long d : shape.getShape()) {
            out.add(d);
        }
        return out;
    }

    /** One ONNX node being written: its inputs and attributes, then its one output. */
    public final class Node {

        private final OnnxMl.NodeProto.Builder proto;
        private final String path;

        private Node(String opType, String path) {
            this.proto = OnnxMl.NodeProto.newBuilder().setOpType(opType);
            this.path = path;
        }

        /**
         * Adds an input.
         *
         * @param value a value name
         * @return this node
         * @throws IllegalArgumentException when no node made the value
         */
        public Node input(String value) {
            shape(value);
            proto.addInput(value);
            return this;
        }

        /**
         * Adds an integer attribute.
         *
         * @param name the attribute
         * @param value its value
         * @return this node
         */
        public Node attribute(String name, long value) {
            proto.addAttribute(
                    OnnxMl.AttributeProto.newBuilder()
                            .setName(name)
                            .setType(OnnxMl.AttributeProto.AttributeType.INT)
                            .setI(value));
            return this;
        }

        /**
         * Adds a float attribute.
         *
         * @param name the attribute
         * @param value its value
         * @return this node
         */
        public Node attribute(String name, float value) {
            proto.addAttribute(
                    OnnxMl.AttributeProto.newBuilder()
                            .setName(name)
                            .setType(OnnxMl.AttributeProto.AttributeType.FLOAT)
                            .setF(value));
            return this;
        }

        /**
         * Adds an integer-list attribute.
         *
         * @param name the attribute
         * @param values its values
         * @return this node
         */
        public Node attribute(String name, long... values) {
            OnnxMl.AttributeProto.Builder a =
                    OnnxMl.AttributeProto.newBuilder()
                            .setName(name)
                            .setType(OnnxMl.AttributeProto.AttributeType.INTS);
            for (long v : values) {
                a.addInts(v);
            }
            proto.addAttribute(a);
            return this;
        }

        /**
         * Adds the node to the graph with one output.
         *
         * @param shape the output's static shape (batch axis as traced)
         * @return the output's value name
         */
        public String output(Shape shape) {
            String value = unique(join(path, proto.getOpType()));
            proto.setName(value).addOutput(value);
            graph.addNode(proto.build());
            shapes.put(value, shape);
            return value;
        }
    }
}
