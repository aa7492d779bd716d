package ai.hesso.djl.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.transformer.PointwiseFeedForwardBlock;
import ai.djl.nn.transformer.TransformerEncoderBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Collections;
import java.util.Objects;
import java.util.function.Function;

/**
 * DJL's {@link TransformerEncoderBlock} with a {@link CompactAttentionBlock}: the encoder
 * compaction builds when it removes attention heads, since DJL's encoder always builds its own
 * attention block with {@code E / N} units per head.
 *
 * <p>The forward pass is DJL 0.29's: for inputs {@code [x]} or {@code [x, mask]}, {@code a =
 * dropout(attention(inputs))}, {@code n = attentionNorm(a + x)}, {@code f =
 * dropout(feedForward(n))}, {@code y = outputNorm(f + x)} (DJL adds the block's input, not {@code
 * n}, before the second norm). The norms are batch norms over axis 2, the feed-forward block is
 * DJL's {@link PointwiseFeedForwardBlock} with one hidden layer, and both dropouts (not children)
 * and the attention dropout have the same probability.
 *
 * <p>Its children have DJL's names and order ({@code selfAttention}, {@code attentionNorm}, {@code
 * outputBlock}, {@code outputNorm}), so a DJL encoder's parameter file loads into one with {@code N
 * H = E}, and parameter paths survive compaction.
 */
public final class CompactTransformerEncoderBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int hiddenSize;
    private final float dropoutProbability;
    private final Function<NDList, NDList> activation;
    private final CompactAttentionBlock selfAttention;
    private final Dropout selfAttentionDropout;
    private final BatchNorm attentionNorm;
    private final PointwiseFeedForwardBlock feedForward;
    private final Dropout feedForwardDropout;
    private final BatchNorm outputNorm;

    /**
     * Creates an encoder, as DJL's constructor does, with {@code headCount} heads of {@code
     * headSize} units.
     *
     * @param embeddingSize the width {@code E} of the input and output
     * @param headCount the attention heads {@code N}
     * @param headSize the units per head {@code H}
     * @param hiddenSize the feed-forward block's hidden units
     * @param dropoutProbability the probability of every dropout, in [0, 1)
     * @param activation the feed-forward block's activation
     * @throws IllegalArgumentException naming a size below 1 or a probability outside [0, 1)
     */
    public CompactTransformerEncoderBlock(
            int embeddingSize,
            int headCount,
            int headSize,
            int hiddenSize,
            float dropoutProbability,
            Function<NDList, NDList> activation) {
        super(VERSION);
        if (hiddenSize < 1) {
            throw new IllegalArgumentException(
                    "a transformer encoder needs hiddenSize >= 1, got " + hiddenSize);
        }
        this.hiddenSize = hiddenSize;
        this.dropoutProbability = dropoutProbability;
        this.activation = Objects.requireNonNull(activation, "activation");
        selfAttention =
                addChildBlock(
                        "selfAttention",
                        CompactAttentionBlock.builder()
                                .setEmbeddingSize(embeddingSize)
                                .setHeadCount(headCount)
                                .setHeadSize(headSize)
                                .optAttentionProbsDropoutProb(dropoutProbability)
                                .build());
        selfAttentionDropout = Dropout.builder().optRate(dropoutProbability).build();
        attentionNorm = addChildBlock("attentionNorm", BatchNorm.builder().optAxis(2).build());
        feedForward =
                addChildBlock(
                        "outputBlock",
                        new PointwiseFeedForwardBlock(
                                Collections.singletonList(hiddenSize), embeddingSize, activation));
        feedForwardDropout = Dropout.builder().optRate(dropoutProbability).build();
        outputNorm = addChildBlock("outputNorm", BatchNorm.builder().optAxis(2).build());
    }

    /**
     * Returns the attention block.
     *
     * @return the attention block
     */
    public CompactAttentionBlock getAttention() {
        return selfAttention;
    }

    /**
     * Returns the feed-forward block's hidden units.
     *
     * @return the hidden units
     */
    public int getHiddenSize() {
        return hiddenSize;
    }

    /**
     * Returns the probability of the dropouts.
     *
     * @return the probability
     */
    public float getDropoutProbability() {
        return dropoutProbability;
    }

    /**
     * Returns the feed-forward block's activation.
     *
     * @return the activation
     */
    public Function<NDList, NDList> getActivation() {
        return activation;
    }

    BatchNorm attentionNorm() {
        return attentionNorm;
    }

    PointwiseFeedForwardBlock feedForward() {
        return feedForward;
    }

    BatchNorm outputNorm() {
        return outputNorm;
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    /** {@inheritDoc} */
    @Override
    public void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        selfAttention.initialize(manager, dataType, inputShapes);
        attentionNorm.initialize(manager, dataType, inputShapes);
        feedForward.initialize(manager, dataType, inputShapes);
        outputNorm.initialize(manager, dataType, inputShapes);
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.head();
        NDList attended = selfAttention.forward(parameterStore, inputs, training);
        NDList dropped = selfAttentionDropout.forward(parameterStore, attended, training);
        NDArray residual = dropped.singletonOrThrow().add(x);
        NDList normalized = attentionNorm.forward(parameterStore, new NDList(residual), training);
        NDList fed = feedForward.forward(parameterStore, normalized, training);
        NDList fedDropped = feedForwardDropout.forward(parameterStore, fed, training);
        NDList sum = new NDList(fedDropped.singletonOrThrow().add(x));
        return outputNorm.forward(parameterStore, sum, training);
    }
}
