package ai.hesso.examples.zoo;

import ai.djl.basicmodelzoo.basic.Mlp;
import ai.djl.basicmodelzoo.cv.classification.AlexNet;
import ai.djl.basicmodelzoo.cv.classification.GoogLeNet;
import ai.djl.basicmodelzoo.cv.classification.LeNet;
import ai.djl.basicmodelzoo.cv.classification.MobileNetV1;
import ai.djl.basicmodelzoo.cv.classification.MobileNetV2;
import ai.djl.basicmodelzoo.cv.classification.NiN;
import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.basicmodelzoo.cv.classification.SqueezeNet;
import ai.djl.basicmodelzoo.cv.classification.VGG;
import ai.djl.basicmodelzoo.cv.object_detection.yolo.YOLOV3;
import ai.djl.basicmodelzoo.nlp.SimpleTextEncoder;
import ai.djl.basicmodelzoo.tabular.TabNet;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.nn.transformer.TransformerEncoderBlock;
import ai.hesso.fixtures.TinyModels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The models of the sweep: every model DJL 0.29's basic model zoo ({@code ai.djl.basicmodelzoo} in
 * {@code ai.djl:model-zoo}) can build, at small sizes, and hand-built residual, U-Net and
 * transformer models.
 *
 * <p>The zoo's classes, listed from the jar: {@code basic.Mlp}; {@code cv.classification} {@code
 * LeNet}, {@code AlexNet}, {@code VGG}, {@code NiN}, {@code GoogLeNet}, {@code SqueezeNet}, {@code
 * MobileNetV1}, {@code MobileNetV2}, {@code ResNetV1}; {@code cv.object_detection} {@code YOLOV3}
 * (and its DarkNet-53 classifier) and {@code SingleShotDetection} (not built: DJL 0.29 cannot
 * initialize it with custom feature blocks, its first convolution sees a shape without the NCHW
 * layout); {@code nlp.SimpleTextEncoder} ({@code SimpleTextDecoder} needs the encoder's states and
 * a vocabulary: not built); {@code tabular.TabNet}. Widths the builders expose are narrowed; the
 * others (GoogLeNet, SqueezeNet, DarkNet) are DJL's own, on small images.
 */
public final class ZooModels {

    private static final int CLASSES = 3;
    private static final Map<String, ZooModel> MODELS = new LinkedHashMap<>();

    static {
        add(
                "mlp",
                "basicmodelzoo Mlp(20, 3, {16, 12})",
                () -> new Mlp(20, CLASSES, new int[] {16, 12}),
                new Shape(20));
        add(
                "lenet",
                "basicmodelzoo LeNet numChannels {4, 8, 24, 16}",
                () ->
                        LeNet.builder()
                                .setNumChannels(new int[] {4, 8, 24, 16})
                                .setOutSize(CLASSES)
                                .build(),
                new Shape(1, 28, 28));
        add(
                "alexnet",
                "basicmodelzoo AlexNet numChannels {8, 16, 16, 16, 8, 32, 32}, 67x67",
                () ->
                        AlexNet.builder()
                                .setNumChannels(new int[] {8, 16, 16, 16, 8, 32, 32})
                                .setOutSize(CLASSES)
                                .build(),
                new Shape(1, 67, 67));
        add(
                "vgg",
                "basicmodelzoo VGG numLayers 6, convArch {{1, 8}, {2, 16}}",
                () ->
                        VGG.builder()
                                .setNumLayers(6)
                                .setConvArch(new int[][] {{1, 8}, {2, 16}})
                                .setOutSize(CLASSES)
                                .build(),
                new Shape(1, 16, 16));
        add(
                "nin",
                "basicmodelzoo NiN numChannels {8, 16, 16}, 67x67",
                () -> NiN.builder().setNumChannels(new int[] {8, 16, 16, CLASSES}).build(),
                new Shape(1, 67, 67));
        add(
                "googlenet",
                "basicmodelzoo GoogLeNet (DJL's widths), 32x32",
                () -> GoogLeNet.builder().setOutSize(CLASSES).build(),
                new Shape(3, 32, 32));
        add(
                "squeezenet",
                "basicmodelzoo SqueezeNet (DJL's widths), 48x48",
                () -> SqueezeNet.squeezenet(CLASSES),
                new Shape(3, 48, 48));
        add(
                "mobilenetv1",
                "basicmodelzoo MobileNetV1 widthMultiplier 0.125, 32x32",
                () -> MobileNetV1.builder().optWidthMultiplier(0.125f).setOutSize(CLASSES).build(),
                new Shape(3, 32, 32));
        add(
                "mobilenetv2",
                "basicmodelzoo MobileNetV2 filters {8,8,8,8,8,8,8,8,16}, 16x16",
                () ->
                        MobileNetV2.builder()
                                .setOutSize(CLASSES)
                                .optFilters(new int[] {8, 8, 8, 8, 8, 8, 8, 8, 16})
                                .optRepeatTimes(new int[] {1, 1, 2, 1, 1, 1, 1, 1, 1})
                                .optMultiTimes(new int[] {1, 1, 2, 2, 2, 2, 2})
                                .build(),
                new Shape(3, 16, 16));
        add(
                "resnet20",
                "basicmodelzoo ResNetV1 numLayers 20 (CIFAR style, basic units), 8x8",
                () ->
                        ResNetV1.builder()
                                .setNumLayers(20)
                                .setOutSize(CLASSES)
                                .setImageShape(new Shape(3, 8, 8))
                                .build(),
                new Shape(3, 8, 8));
        add(
                "resnet18",
                "basicmodelzoo ResNetV1 numLayers 18 (ImageNet style, basic units), 40x40",
                () ->
                        ResNetV1.builder()
                                .setNumLayers(18)
                                .setOutSize(CLASSES)
                                .setImageShape(new Shape(3, 40, 40))
                                .build(),
                new Shape(3, 40, 40));
        add(
                "resnet50",
                "basicmodelzoo ResNetV1 numLayers 50 (bottleneck units, the fewest DJL builds),"
                        + " 40x40",
                () ->
                        ResNetV1.builder()
                                .setNumLayers(50)
                                .setOutSize(CLASSES)
                                .setImageShape(new Shape(3, 40, 40))
                                .build(),
                new Shape(3, 40, 40));
        add(
                "darknet53",
                "basicmodelzoo YOLOV3.buildDarkNet (DJL's widths), 32x32",
                () -> YOLOV3.builder().optDarkNetOutSize(CLASSES).buildDarkNet(),
                new Shape(3, 32, 32));
        detector(
                "yolov3",
                "basicmodelzoo YOLOV3 numClasses 3, 64x64",
                () -> YOLOV3.builder().setNumClasses(CLASSES).build(),
                new Shape(3, 64, 64));
        detector(
                "text-encoder",
                "basicmodelzoo SimpleTextEncoder(LSTM state 8), 4 tokens of 5",
                () -> new SimpleTextEncoder(LSTM.builder().setStateSize(8).setNumLayers(1).build()),
                new Shape(4, 5));
        add(
                "tabnet",
                "basicmodelzoo TabNet inputDim 20, numD 8, numA 8, 2 steps",
                () ->
                        TabNet.builder()
                                .setInputDim(20)
                                .setOutDim(CLASSES)
                                .optNumD(8)
                                .optNumA(8)
                                .optNumSteps(2)
                                .optVirtualBatchSize(4)
                                .build(),
                new Shape(20));
        add(
                "residual",
                "hand-built: conv 8, two residual units (conv BN relu conv BN + identity), head",
                ZooModels::residual,
                new Shape(3, 8, 8));
        add(
                "unet",
                "hand-built U-Net: encoder, pooled bottleneck, nearest upsampling, skip"
                        + " concatenation, decoder, head",
                ZooModels::unet,
                new Shape(3, 8, 8));
        add(
                "transformer",
                "hand-built: Linear 8, two TransformerEncoderBlock(8, 2 heads, 12), mean, head",
                ZooModels::transformer,
                new Shape(4, 5));
    }

    private ZooModels() {}

    private static void add(String name, String source, Supplier<Block> factory, Shape shape) {
        MODELS.put(name, new ZooModel(name, source, factory, shape, CLASSES, true));
    }

    private static void detector(String name, String source, Supplier<Block> factory, Shape shape) {
        MODELS.put(name, new ZooModel(name, source, factory, shape, CLASSES, false));
    }

    /**
     * Returns every model of the sweep, in the order it runs them.
     *
     * @return the models
     */
    public static List<ZooModel> all() {
        return Collections.unmodifiableList(new ArrayList<>(MODELS.values()));
    }

    /**
     * Returns the models with the given names, in the sweep's order.
     *
     * @param names the names; empty for all
     * @return the models
     * @throws IllegalArgumentException naming an unknown name and the known ones
     */
    public static List<ZooModel> select(List<String> names) {
        if (names == null || names.isEmpty()) {
            return all();
        }
        for (String name : names) {
            if (!MODELS.containsKey(name)) {
                throw new IllegalArgumentException(
                        "unknown model '" + name + "'; the sweep knows " + MODELS.keySet());
            }
        }
        return all().stream().filter(m -> names.contains(m.name())).toList();
    }

    /** Conv 8 BN relu, two residual units of 8 channels, global pool, flatten, Linear(3). */
    private static Block residual() {
        return new SequentialBlock()
                .add(conv(8))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(TinyModels.residualBlock(8))
                .add(TinyModels.residualBlock(8))
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(CLASSES).build());
    }

    /**
     * A small U-Net on 8x8 images: {@code e1 = convBnRelu(8)(x)}; the bottleneck {@code
     * up(convBnRelu(16)(maxPool2(e1)))} with nearest 2x upsampling; their concatenation (24
     * channels); {@code convBnRelu(8)}; global pool, flatten, {@code Linear(3)}.
     */
    private static Block unet() {
        Block down =
                new SequentialBlock()
                        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                        .add(convBnRelu(16))
                        .add(
                                new LambdaBlock(
                                        in ->
                                                new NDList(
                                                        in.singletonOrThrow()
                                                                .repeat(2, 2)
                                                                .repeat(3, 2)),
                                        "upsample"));
        ParallelBlock skip =
                new ParallelBlock(
                        branches ->
                                new NDList(
                                        branches.get(0)
                                                .singletonOrThrow()
                                                .concat(branches.get(1).singletonOrThrow(), 1)),
                        List.of(Blocks.identityBlock(), down));
        return new SequentialBlock()
                .add(convBnRelu(8))
                .add(skip)
                .add(convBnRelu(8))
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(CLASSES).build());
    }

    /**
     * {@code Linear(8)}, two encoders of 2 heads of 4 (12 hidden units), mean, {@code Linear(3)}.
     */
    private static Block transformer() {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(8).build())
                .add(new TransformerEncoderBlock(8, 2, 12, 0f, Activation::relu))
                .add(new TransformerEncoderBlock(8, 2, 12, 0f, Activation::relu))
                .add(new LambdaBlock(in -> new NDList(in.singletonOrThrow().mean(new int[] {1}))))
                .add(Linear.builder().setUnits(CLASSES).build());
    }

    private static Block convBnRelu(int filters) {
        return new SequentialBlock()
                .add(conv(filters))
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock());
    }

    private static Conv2d conv(int filters) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .build();
    }
}
