package ai.hesso.djl.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.transformer.ScaledDotProductAttentionBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head scaled dot-product attention (Vaswani et al., <a
 * href="https://arxiv.org/abs/1706.03762">Attention Is All You Need</a>) whose heads need not fill
 * the embedding: {@code N} heads of {@code H} units each, so the query, key and value projections
 * have {@code N H} units, and a result projection of {@code E} units, where DJL's {@link
 * ScaledDotProductAttentionBlock} has {@code N H = E}. Compaction builds it when it removes heads
 * from a DJL attention block (or from one of these).
 *
 * <p>The forward pass is DJL 0.29's, step for step, with {@code N H} in place of {@code E} inside:
 *
 * <ol>
 *   <li>inputs: {@code [x]} or {@code [x, mask]} (self-attention: keys, queries and values are
 *       {@code x}), or {@code [keys, queries, values]} or {@code [keys, queries, values, mask]};
 *       keys and values are {@code (B, F, *)}, queries {@code (B, T, *)};
 *   <li>{@code K = keyProjection(keys)}, {@code Q = queryProjection(queries)}, {@code V =
 *       valueProjection(values)}, each reshaped to {@code (B, S, N, H)} and transposed to {@code
 *       (B, N, S, H)};
 *   <li>scores {@code Q K^T * (1 / sqrt(H))}, shape {@code (B, N, T, F)}; a mask of rank 4 is added
 *       as it is, any other mask is reshaped to {@code (B, 1, T, F)} and added as {@code (1 - mask)
 *       * -100000} (1 keeps a position, 0 masks it);
 *   <li>{@code P = dropout(softmax(scores))} over the last axis, {@code P V} transposed to {@code
 *       (B, T, N, H)} and reshaped to {@code (B, T, N H)};
 *   <li>{@code resultProjection} to {@code (B, T, E)}.
 * </ol>
 *
 * <p>Its children have DJL's names and order ({@code keyProjection}, {@code queryProjection},
 * {@code valueProjection}, {@code resultProjection}, {@code probabilityDropout}) and its version is
 * DJL's, so a DJL attention block's parameter file loads into one with {@code N H = E}, and
 * parameter paths survive compaction. The projections infer their input widths when the block is
 * initialized; the result projection reads {@code N H} values.
 */
public final class CompactAttentionBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int embeddingSize;
    private final int headCount;
    private final int headSize;
    private final float dropoutProbability;
    private final Linear keyProjection;
    private final Linear queryProjection;
    private final Linear valueProjection;
    private final Linear resultProjection;
    private final Dropout probabilityDropout;

    private CompactAttentionBlock(Builder builder) {
        super(VERSION);
        embeddingSize = builder.embeddingSize;
        headCount = builder.headCount;
        headSize = builder.headSize;
        dropoutProbability = builder.dropoutProbability;
        long units = (long) headCount * headSize;
        keyProjection = addChildBlock("keyProjection", projection(units));
        queryProjection = addChildBlock("queryProjection", projection(units));
        valueProjection = addChildBlock("valueProjection", projection(units));
        resultProjection = addChildBlock("resultProjection", projection(embeddingSize));
        probabilityDropout =
                addChildBlock(
                        "probabilityDropout",
                        Dropout.builder().optRate(builder.dropoutProbability).build());
    }

    private static Linear projection(long units) {
        return Linear.builder().setUnits(units).optBias(true).build();
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
     * Returns the width of the output, the result projection's units {@code E}.
     *
     * @return {@code E}
     */
    public int getEmbeddingSize() {
        return embeddingSize;
    }

    /**
     * Returns the number of heads {@code N}.
     *
     * @return {@code N}
     */
    public int getHeadCount() {
        return headCount;
    }

    /**
     * Returns the units per head {@code H}.
     *
     * @return {@code H}
     */
    public int getHeadSize() {
        return headSize;
    }

    /**
     * Returns the dropout probability applied to the attention probabilities.
     *
     * @return the probability
     */
    public float getDropoutProbability() {
        return dropoutProbability;
    }

    /**
     * Returns the key projection ({@code N H} units).
     *
     * @return the key projection
     */
    public Linear getKeyProjection() {
        return keyProjection;
    }

    /**
     * Returns the query projection ({@code N H} units).
     *
     * @return the query projection
     */
    public Linear getQueryProjection() {
        return queryProjection;
    }

    /**
     * Returns the value projection ({@code N H} units).
     *
     * @return the value projection
     */
    public Linear getValueProjection() {
        return valueProjection;
    }

    /**
     * Returns the result projection ({@code E} units).
     *
     * @return the result projection
     */
    public Linear getResultProjection() {
        return resultProjection;
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape queries;
        if (inputShapes.length == 1 || inputShapes.length == 2) {
            queries = inputShapes[0];
        } else if (inputShapes.length == 3 || inputShapes.length == 4) {
            queries = inputShapes[1];
        } else {
            throw new IllegalArgumentException(
                    "Invalid number of input shapes: " + inputShapes.length + ", must be 1-4.");
        }
        return new Shape[] {queries.slice(0, queries.dimension() - 1).add(embeddingSize)};
    }

    /** {@inheritDoc} */
    @Override
    public void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        boolean self = inputShapes.length < 3;
        Shape keys = inputShapes[0];
        Shape queries = self ? keys : inputShapes[1];
        Shape values = self ? keys : inputShapes[2];
        keyProjection.initialize(manager, dataType, flat(keys));
        queryProjection.initialize(manager, dataType, flat(queries));
        valueProjection.initialize(manager, dataType, flat(values));
        Shape heads = new Shape(-1, (long) headCount * headSize);
        resultProjection.initialize(manager, dataType, heads);
        probabilityDropout.initialize(manager, dataType, heads);
    }

    private static Shape flat(Shape input) {
        return new Shape(-1, input.get(input.dimension() - 1));
    }

    /** {@inheritDoc} */
    @Override
    @SuppressWarnings("LocalVariableName")
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        long B = inputs.head().getShape().get(0);
        long N = headCount;
        long H = headSize;
        long F;
        long T;
        NDList keyInput;
        NDList queryInput;
        NDList valueInput;
        if (inputs.size() < 3) {
            F = inputs.head().getShape().get(1);
            T = F;
            keyInput = new NDList(inputs.head());
            queryInput = keyInput;
            valueInput = keyInput;
        } else {
            F = inputs.get(0).getShape().get(1);
            T = inputs.get(1).getShape().get(1);
            keyInput = new NDList(inputs.get(0));
            queryInput = new NDList(inputs.get(1));
            valueInput = new NDList(inputs.get(2));
        }
        NDArray mask =
                inputs.size() == 2 || inputs.size() == 4 ? inputs.get(inputs.size() - 1) : null;
        NDList keys = keyProjection.forward(parameterStore, keyInput, training, params);
        NDList queries = queryProjection.forward(parameterStore, queryInput, training, params);
        NDList values = valueProjection.forward(parameterStore, valueInput, training, params);
        NDArray keyHeads = heads(keys.head(), B, F, N, H);
        NDArray queryHeads = heads(queries.head(), B, T, N, H);
        NDArray valueHeads = heads(values.head(), B, F, N, H);
        NDArray scores = queryHeads.matMul(keyHeads.transpose(0, 1, 3, 2));
        NDArray normalized = scores.mul(scores.getManager().create(1f / (float) Math.sqrt(H)));
        if (mask != null) {
            NDArray offset;
            if (mask.getShape().dimension() != 4) {
                NDArray expanded = mask.reshape(B, 1, T, F);
                offset =
                        expanded.toType(DataType.FLOAT32, false)
                                .mul(expanded.getManager().create(-1f))
                                .add(expanded.getManager().create(1f))
                                .mul(expanded.getManager().create(-100000f));
            } else {
                offset = mask;
            }
            normalized = normalized.add(offset);
        }
        NDArray probabilities = normalized.softmax(3);
        NDArray dropped =
                probabilityDropout
                        .forward(parameterStore, new NDList(probabilities), training)
                        .singletonOrThrow();
        NDArray result = dropped.matMul(valueHeads).transpose(0, 2, 1, 3).reshape(B, T, N * H);
        return resultProjection.forward(parameterStore, new NDList(result), training);
    }

    /** {@code (B, S, N H)} to {@code (B, N, S, H)}. */
    @SuppressWarnings("ParameterName")
    private static NDArray heads(NDArray projection, long B, long S, long N, long H) {
        return projection.reshape(B, S, N, H).transpose(0, 2, 1, 3);
    }

    /** Builds a {@link CompactAttentionBlock}; every setting but the dropout is required. */
    public static final class Builder {

        private int embeddingSize;
        private int headCount;
        private int headSize;
        private float dropoutProbability = 0.1f;

        private Builder() {}

        /**
         * Sets the output width {@code E}, the result projection's units.
         *
         * @param embeddingSize at least 1
         * @return this builder
         */
        public Builder setEmbeddingSize(int embeddingSize) {
            this.embeddingSize = embeddingSize;
            return this;
        }

        /**
         * Sets the number of heads {@code N}.
         *
         * @param headCount at least 1
         * @return this builder
         */
        public Builder setHeadCount(int headCount) {
            this.headCount = headCount;
            return this;
        }

        /**
         * Sets the units per head {@code H}; the scores are scaled by {@code 1 / sqrt(H)}.
         *
         * @param headSize at least 1
         * @return this builder
         */
        public Builder setHeadSize(int headSize) {
            this.headSize = headSize;
            return this;
        }

        /**
         * Sets the dropout probability of the attention probabilities (DJL's default 0.1).
         *
         * @param probability in [0, 1)
         * @return this builder
         */
        public Builder optAttentionProbsDropoutProb(float probability) {
            this.dropoutProbability = probability;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return a new, uninitialized block
         * @throws IllegalArgumentException naming a setting below 1 or a probability outside [0, 1)
         */
        public CompactAttentionBlock build() {
            if (embeddingSize < 1 || headCount < 1 || headSize < 1) {
                throw new IllegalArgumentException(
                        "an attention block needs embeddingSize, headCount and headSize >= 1, got "
                                + embeddingSize
                                + ", "
                                + headCount
                                + ", "
                                + headSize);
            }
            if (!(dropoutProbability >= 0 && dropoutProbability < 1)) {
                throw new IllegalArgumentException(
                        "the attention dropout probability must be in [0, 1), got "
                                + dropoutProbability);
            }
            return new CompactAttentionBlock(this);
        }
    }
}
