package ai.hesso.djl.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.nn.transformer.TransformerEncoderBlock;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CompactAttentionBlock} and {@link CompactTransformerEncoderBlock} compute what DJL's
 * blocks compute: a DJL block's parameters, saved with DJL's own {@code saveParameters}, load into
 * the compact block with all heads, and the outputs are equal for every input form (self-attention
 * with and without a mask, separate keys, queries and values with a mask of rank 3 and of rank 4).
 */
class CompactAttentionBlockIT {

    private static final Shape X = new Shape(2, 5, 8);

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(17);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void withAllHeadsItLoadsDjlsParametersAndComputesDjlsAttention()
            throws IOException, MalformedModelException {
        NDArray keys = manager.randomNormal(X);
        NDArray queries = manager.randomNormal(new Shape(2, 3, 8));
        NDArray values = manager.randomNormal(X);
        NDArray mask3 = manager.randomUniform(0, 1, new Shape(2, 3, 5)).gt(0.3);
        NDArray selfMask = manager.randomUniform(0, 1, new Shape(2, 5, 5)).gt(0.3);
        NDArray mask4 = manager.randomNormal(new Shape(2, 1, 3, 5));
        for (List<NDArray> in :
                List.of(
                        List.of(keys),
                        List.of(keys, selfMask),
                        List.of(keys, queries, values),
                        List.of(keys, queries, values, mask3),
                        List.of(keys, queries, values, mask4))) {
            NDList inputs = new NDList(in.toArray(NDArray[]::new));
            Shape[] shapes = inputs.getShapes();
            ScaledDotProductAttentionBlock djl =
                    ScaledDotProductAttentionBlock.builder()
                            .setEmbeddingSize(8)
                            .setHeadCount(4)
                            .optAttentionProbsDropoutProb(0f)
                            .build();
            djl.initialize(manager, DataType.FLOAT32, shapes);
            CompactAttentionBlock compact =
                    CompactAttentionBlock.builder()
                            .setEmbeddingSize(8)
                            .setHeadCount(4)
                            .setHeadSize(2)
                            .optAttentionProbsDropoutProb(0f)
                            .build();
            compact.initialize(manager, DataType.FLOAT32, shapes);
            copy(djl, compact);
            assertArrayEquals(djl.getOutputShapes(shapes), compact.getOutputShapes(shapes));
            assertArrayEquals(
                    forward(djl, inputs), forward(compact, inputs), 1e-6f, in.size() + " inputs");
        }
    }

    @Test
    void theCompactEncoderLoadsDjlsEncoderAndComputesIt()
            throws IOException, MalformedModelException {
        NDArray x = manager.randomNormal(X);
        TransformerEncoderBlock djl = new TransformerEncoderBlock(8, 4, 12, 0f, Activation::relu);
        djl.initialize(manager, DataType.FLOAT32, X);
        CompactTransformerEncoderBlock compact =
                new CompactTransformerEncoderBlock(8, 4, 2, 12, 0f, Activation::relu);
        compact.initialize(manager, DataType.FLOAT32, X);
        copy(djl, compact);
        assertEquals(djl.getParameters().keys(), compact.getParameters().keys(), "parameter paths");
        assertArrayEquals(forward(djl, new NDList(x)), forward(compact, new NDList(x)), 1e-6f);
    }

    @Test
    void fewerHeadsThanTheEmbeddingHold() {
        CompactAttentionBlock block =
                CompactAttentionBlock.builder()
                        .setEmbeddingSize(8)
                        .setHeadCount(3)
                        .setHeadSize(2)
                        .build();
        block.initialize(manager, DataType.FLOAT32, X);
        assertEquals(
                new Shape(6, 8),
                block.getQueryProjection().getParameters().get("weight").getArray().getShape());
        assertEquals(
                new Shape(8, 6),
                block.getResultProjection().getParameters().get("weight").getArray().getShape());
        assertEquals(X, block.getOutputShapes(new Shape[] {X})[0]);
        float[] out = forward(block, new NDList(manager.randomNormal(X)));
        assertEquals(X.size(), out.length);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> CompactAttentionBlock.builder().setEmbeddingSize(8).build());
        assertTrue(e.getMessage().contains("headCount"), e.getMessage());
    }

    /** Copies parameters the way a DJL parameter file carries them. */
    private void copy(Block from, Block to) throws IOException, MalformedModelException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            from.saveParameters(out);
        }
        try (DataInputStream in =
                new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            to.loadParameters(manager, in);
        }
    }

    private float[] forward(Block block, NDList inputs) {
        return block.forward(new ParameterStore(manager, false), inputs, false)
                .singletonOrThrow()
                .toFloatArray();
    }
}
