package ai.hesso.djl.compact;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import ai.hesso.djl.discovery.SanityCheck;
import ai.hesso.fixtures.DiscoveryModels;

/**
 * The program {@link NativeWarningIT} starts in a fresh JVM, whose standard error the test reads:
 * PyTorch prints its {@code AutoNonVariableTypeMode} deprecation warning once per process, from
 * native code, where no Java logging setting reaches.
 *
 * <p>Argument {@code hesso}: discovery, the sanity check and compaction of a small VGG with some
 * channels zeroed, everything of hesso's that writes into existing arrays. Argument {@code
 * control}: DJL's own {@code NDArray.set(float[])}, which does print the warning.
 */
public final class NativeWarningMain {

    private NativeWarningMain() {}

    /**
     * Runs one of the two cases.
     *
     * @param args {@code hesso} or {@code control}
     */
    public static void main(String[] args) {
        String mode = args.length == 1 ? args[0] : "";
        try (NDManager manager = NDManager.newBaseManager()) {
            switch (mode) {
                case "hesso" -> {
                    Shape input = DiscoveryModels.IMAGE_INPUT;
                    Block vgg = CompactFixtures.init(DiscoveryModels.vgg(), manager, input, 3);
                    DiscoveryReport report = GroupDiscovery.builder().build().discover(vgg, input);
                    SanityCheck.builder().build().check(vgg, report, input);
                    CompactFixtures.zeroRandomChannels(vgg, report, 3);
                    try (CompactModel compact =
                            Compaction.compactZeroChannels(vgg, report, input)) {
                        System.out.println("compacted: " + compact.model().getName());
                    }
                }
                case "control" -> {
                    NDArray x = manager.zeros(new Shape(3));
                    x.set(new float[] {1, 2, 3});
                    System.out.println("set: " + x.getFloat(2));
                }
                default ->
                        throw new IllegalArgumentException(
                                "usage: NativeWarningMain <hesso|control>, got '" + mode + "'");
            }
        }
    }
}
