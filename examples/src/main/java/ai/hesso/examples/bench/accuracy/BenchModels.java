package ai.hesso.examples.bench.accuracy;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.nn.transformer.TransformerEncoderBlock;
import ai.hesso.examples.data.FashionMnist;
import ai.hesso.examples.models.BuiltinModels;
import java.util.List;

/**
 * The models of the accuracy benchmark, all for {@code (N, 1, 28, 28)} Fashion-MNIST images:
 * {@value #FASHION_CNN}, the demo's VGG-style CNN ({@link BuiltinModels#fashionCnn()}), {@value
 * #RESNET8}, a small residual network built from DJL's own {@link ResNetV1#residualUnit}, and
 * {@value #VIT}, a small vision transformer built from DJL's own {@link TransformerEncoderBlock}
 * ({@link #vit(int, int, int, int)}).
 */
public final class BenchModels {

    /** The demo's VGG-style CNN. */
    public static final String FASHION_CNN = "fashion-cnn";

    /** The residual network. */
    public static final String RESNET8 = "resnet8";

    /** The vision transformer. */
    public static final String VIT = "vit";

    /** The side of the vision transformer's square patches, in pixels. */
    public static final int PATCH = 7;

    /** The vision transformer's tokens: {@code (28 / 7)^2} patches. */
    public static final int TOKENS =
            (FashionMnist.IMAGE_SIZE / PATCH) * (FashionMnist.IMAGE_SIZE / PATCH);

    /** The embedding width of {@value #VIT}. */
    public static final int VIT_WIDTH = 64;

    /** The attention heads of each encoder of {@value #VIT}. */
    public static final int VIT_HEADS = 4;

    /** The feed-forward hidden units of each encoder of {@value #VIT}. */
    public static final int VIT_HIDDEN = 128;

    /** The encoders of {@value #VIT}. */
    public static final int VIT_BLOCKS = 4;

    private static final float BN_MOMENTUM = 0.9f;

    private BenchModels() {}

    /**
     * Returns the models the presets run ({@link AccuracySettings#quick} and {@link
     * AccuracySettings#full}). {@value #VIT} is not among them: it runs when asked for ({@code
     * --models vit}), since its trials take about twice as long as the CNNs' and would take {@code
     * --quick} past a minute.
     *
     * @return {@value #FASHION_CNN} and {@value #RESNET8}
     */
    public static List<String> names() {
        return List.of(FASHION_CNN, RESNET8);
    }

    /**
     * Returns every model {@link #build} knows.
     *
     * @return {@value #FASHION_CNN}, {@value #RESNET8} and {@value #VIT}
     */
    public static List<String> all() {
        return List.of(FASHION_CNN, RESNET8, VIT);
    }

    /**
     * Returns the input shape of one image, batch axis first.
     *
     * @return {@code (1, 1, 28, 28)}
     */
    public static Shape inputShape() {
        return new Shape(1, 1, FashionMnist.IMAGE_SIZE, FashionMnist.IMAGE_SIZE);
    }

    /**
     * Builds a fresh, uninitialized model.
     *
     * @param name {@value #FASHION_CNN}, {@value #RESNET8} or {@value #VIT}
     * @return the block
     * @throws IllegalArgumentException naming the valid models
     */
    public static Block build(String name) {
        switch (name) {
            case FASHION_CNN:
                return BuiltinModels.fashionCnn();
            case RESNET8:
                return resnet8();
            case VIT:
                return vit(VIT_WIDTH, VIT_HEADS, VIT_HIDDEN, VIT_BLOCKS);
            default:
                throw new IllegalArgumentException("unknown model '" + name + "'; valid: " + all());
        }
    }

    /**
     * A ResNet-8 for 28x28 images, in the style of DJL's {@link ResNetV1} for small images: a 3x3
     * stem convolution (16, no bias) with batch norm, ReLU and a 2x2 max pool to 14x14, then three
     * residual units of DJL's ({@code conv-bn-relu-conv-bn} plus a 1x1 projection shortcut, ReLU
     * after the add) with 16, 32 and 64 filters and strides 1, 2 and 2 (14, 7 and 4 pixels), a
     * global average pool and a linear head with 10 outputs. Seven weighted layers on the main path
     * plus the head; the residual adds couple each unit's output convolution with its shortcut.
     *
     * @return a fresh, uninitialized block
     */
    public static Block resnet8() {
        SequentialBlock net =
                new SequentialBlock()
                        .add(
                                Conv2d.builder()
                                        .setKernelShape(new Shape(3, 3))
                                        .setFilters(16)
                                        .optPadding(new Shape(1, 1))
                                        .optBias(false)
                                        .build())
                        .add(BatchNorm.builder().optMomentum(BN_MOMENTUM).build())
                        .add(Activation.reluBlock())
                        .add(Pool.maxPool2dBlock(new Shape(2, 2)));
        int[] filters = {16, 32, 64};
        int[] strides = {1, 2, 2};
        for (int i = 0; i < filters.length; i++) {
            net.add(
                    ResNetV1.residualUnit(
                            filters[i],
                            new Shape(strides[i], strides[i]),
                            false,
                            false,
                            BN_MOMENTUM));
        }
        return net.add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(FashionMnist.CLASSES).build());
    }

    /**
     * A vision transformer for 28x28 single-channel images: the image cut into {@value #TOKENS}
     * patches of {@value #PATCH}x{@value #PATCH} pixels, each a token of 49 pixel values followed
     * by a one-hot code of its position ({@link #patchTokens}); a {@code Linear(width)} embedding;
     * {@code blocks} DJL {@link TransformerEncoderBlock}s ({@code heads} heads of {@code width /
     * heads} units, {@code hidden} feed-forward units with GELU, no dropout); the mean over the
     * tokens; a linear head with 10 outputs.
     *
     * <p>The embedding of a token {@code [p; e_t]} (patch {@code p}, one-hot position {@code e_t})
     * is {@code W_p p + b + W_e e_t}: a patch embedding (what a convolution with kernel and stride
     * {@value #PATCH} computes) plus column {@code t} of {@code W_e}, a learned position embedding,
     * with the same parameters as the two written separately ({@code 49 w + w} and {@code 16 w}).
     * Written this way it needs no block of its own, so discovery and compaction know every block.
     * The one-hot columns cost {@code 16 * 16 * w} MACs per image that an addition would not.
     *
     * <p>Discovery finds one group of {@code heads} channels (a head each, {@code width / heads}
     * rows of each of the query, key and value projections) and one of {@code hidden} channels (the
     * feed-forward hidden units) per encoder; the embedding stream is coupled to every encoder's
     * residual sums and stays unprunable, as does the patching lambda at the network input (a
     * reshape discovery does not know, reported as a finding; the input is never prunable).
     *
     * @param width the embedding width, a multiple of {@code heads}
     * @param heads the heads per encoder
     * @param hidden the feed-forward hidden units per encoder
     * @param blocks the encoders
     * @return a fresh, uninitialized block
     * @throws IllegalArgumentException if a size is below 1 or {@code heads} does not divide {@code
     *     width}
     */
    public static Block vit(int width, int heads, int hidden, int blocks) {
        if (width < 1 || heads < 1 || hidden < 1 || blocks < 1 || width % heads != 0) {
            throw new IllegalArgumentException(
                    "a vision transformer needs positive sizes and heads dividing the width, got"
                            + " width "
                            + width
                            + ", heads "
                            + heads
                            + ", hidden "
                            + hidden
                            + ", blocks "
                            + blocks);
        }
        SequentialBlock net =
                new SequentialBlock()
                        .add(new LambdaBlock(BenchModels::patchTokens, "patchTokens"))
                        .add(Linear.builder().setUnits(width).build());
        for (int i = 0; i < blocks; i++) {
            net.add(new TransformerEncoderBlock(width, heads, hidden, 0f, Activation::gelu));
        }
        return net.add(
                        new LambdaBlock(
                                in -> new NDList(in.singletonOrThrow().mean(new int[] {1})),
                                "tokenMean"))
                .add(Linear.builder().setUnits(FashionMnist.CLASSES).build());
    }

    /**
     * Cuts {@code (N, 1, 28, 28)} images into {@value #TOKENS} tokens of {@value #PATCH}x{@value
     * #PATCH} pixels, row by row of patches, and appends the one-hot code of each token's position.
     *
     * @param in one {@code (N, 1, 28, 28)} array
     * @return one {@code (N, 16, 49 + 16)} array: token {@code t = 4 i + j} holds the pixels {@code
     *     [7 i, 7 i + 7) x [7 j, 7 j + 7)} row by row, then 1 at {@code 49 + t} and 0 elsewhere
     */
    public static NDList patchTokens(NDList in) {
        NDArray x = in.singletonOrThrow();
        long n = x.getShape().get(0);
        int side = FashionMnist.IMAGE_SIZE / PATCH;
        NDArray patches =
                x.reshape(n, side, PATCH, side, PATCH)
                        .transpose(0, 1, 3, 2, 4)
                        .reshape(n, TOKENS, (long) PATCH * PATCH);
        NDArray positions =
                x.getManager()
                        .eye(TOKENS)
                        .toType(x.getDataType(), false)
                        .expandDims(0)
                        .broadcast(n, TOKENS, TOKENS);
        return new NDList(NDArrays.concat(new NDList(patches, positions), 2));
    }
}
