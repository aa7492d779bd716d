package ai.hesso.djl.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a user without hesso gets: DJL's own {@code Model.load} of a saved compact model into a new,
 * unmodified (full-width) instance of the architecture. DJL reads every parameter's shape from the
 * file and its layers take their widths from their parameters, so this works wherever no layer
 * fixes a width outside its parameters; a grouped or depthwise convolution does (its builder's
 * group count), and fails at the first forward pass. docs/compaction.md says so.
 */
class PlainDjlLoadIT {

    @TempDir Path dir;

    /** CompactionSaveIT's models, the depthwise one aside (it has its own test below). */
    static Stream<Arguments> models() {
        return CompactionSaveIT.models().filter(a -> !"depthwise".equals(a.get()[0]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void djlsOwnLoadIntoTheFullWidthArchitectureComputesTheCompactBits(
            String name, Supplier<Block> factory, Shape input) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = CompactFixtures.init(factory.get(), manager, input, 4);
            DiscoveryReport report = GroupDiscovery.builder().build().discover(block, input);
            CompactFixtures.zeroRandomChannels(block, report, 4);
            try (CompactModel compact = Compaction.compactZeroChannels(block, report, input);
                    Model plain = Model.newInstance("compact")) {
                compact.save(dir);
                plain.setBlock(factory.get());
                plain.load(dir, "compact");
                assertEquals(
                        compact.report().after().parameters(),
                        CompactFixtures.parameterCount(plain.getBlock()),
                        name);
                NDArray x = CompactFixtures.input(manager, input, 40);
                float[] expected = CompactFixtures.forward(compact.model().getBlock(), manager, x);
                float[] actual = CompactFixtures.forward(plain.getBlock(), manager, x);
                assertEquals(0.0, CompactFixtures.maxAbsDiff(expected, actual), name);
            }
        }
    }

    @Test
    void aDepthwiseConvolutionKeepsItsBuildersGroupCountAndFails() throws Exception {
        Shape input = CompactFixtures.DEPTHWISE_INPUT;
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = CompactFixtures.init(CompactFixtures.depthwise(), manager, input, 4);
            DiscoveryReport report = GroupDiscovery.builder().build().discover(block, input);
            CompactFixtures.zeroRandomChannels(block, report, 4);
            try (CompactModel compact = Compaction.compactZeroChannels(block, report, input);
                    Model plain = Model.newInstance("compact")) {
                compact.save(dir);
                plain.setBlock(CompactFixtures.depthwise());
                // the parameters load (DJL reads their shapes from the file) ...
                plain.load(dir, "compact");
                NDArray x = CompactFixtures.input(manager, input, 40);
                // ... but the convolution still splits its input into the builder's 6 groups
                EngineException e =
                        assertThrows(
                                EngineException.class,
                                () -> CompactFixtures.forward(plain.getBlock(), manager, x));
                assertTrue(e.getMessage().contains("Given groups=6"), e.getMessage());
            }
        }
    }
}
