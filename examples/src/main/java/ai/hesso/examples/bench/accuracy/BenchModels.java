package ai.hesso.examples.bench.accuracy;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.hesso.examples.data.FashionMnist;
import ai.hesso.examples.models.BuiltinModels;
import java.util.List;

/**
 * The two models of the accuracy benchmark, both for {@code (N, 1, 28, 28)} Fashion-MNIST images:
 * {@value #FASHION_CNN}, the demo's VGG-style CNN ({@link BuiltinModels#fashionCnn()}), and {@value
 * #RESNET8}, a small residual network built from DJL's own {@link ResNetV1#residualUnit}.
 */
public final class BenchModels {

    /** The demo's VGG-style CNN. */
    public static final String FASHION_CNN = "fashion-cnn";

    /** The residual network. */
    public static final String RESNET8 = "resnet8";

    private static final float BN_MOMENTUM = 0.9f;

    private BenchModels() {}

    /**
     * Returns the model names.
     *
     * @return {@value #FASHION_CNN} and {@value #RESNET8}
     */
    public static List<String> names() {
        return List.of(FASHION_CNN, RESNET8);
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
     * @param name {@value #FASHION_CNN} or {@value #RESNET8}
     * @return the block
     * @throws IllegalArgumentException naming the valid models
     */
    public static Block build(String name) {
        switch (name) {
            case FASHION_CNN:
                return BuiltinModels.fashionCnn();
            case RESNET8:
                return resnet8();
            default:
                throw new IllegalArgumentException(
                        "unknown model '" + name + "'; valid: " + names());
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
}
