package ai.hesso.djl.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction, saving and loading leave no temporary array behind: the original model's manager
 * holds exactly the arrays it held before, and a compact or loaded model's manager holds exactly
 * one array per parameter.
 */
class CompactionArraysIT {

    @TempDir Path dir;

    @Test
    void everyTemporaryArrayIsClosed() throws Exception {
        Shape input = CompactFixtures.RESNET20_INPUT;
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = CompactFixtures.init(CompactFixtures.resnet20(), manager, input, 5);
            DiscoveryReport report = GroupDiscovery.builder().build().discover(block, input);
            CompactFixtures.zeroRandomChannels(block, report, 5);
            int parameters = block.getParameters().size();
            assertEquals(parameters, manager.getManagedArrays().size());

            // zero-channel mode reads every member array; both modes slice every parameter
            ChannelSelection selection = ChannelSelection.zeroChannels(block, report);
            try (CompactModel zeros = Compaction.compactZeroChannels(block, report, input);
                    CompactModel given =
                            Compaction.compact(block, report, selection.removed(), input)) {
                assertEquals(parameters, manager.getManagedArrays().size(), "original manager");
                assertEquals(parameters, arrays(zeros.model()), "compact model");
                assertEquals(parameters, arrays(given.model()), "compact model");
                zeros.save(dir);
                assertEquals(parameters, arrays(zeros.model()), "after saving");
            }
            try (Model loaded = CompactModels.load(dir, CompactFixtures.resnet20())) {
                // initialization made one array per parameter, loading replaced each of them
                assertEquals(parameters, arrays(loaded), "loaded model");
            }
            assertEquals(parameters, manager.getManagedArrays().size(), "original manager");
        }
    }

    private static int arrays(Model model) {
        return model.getNDManager().getManagedArrays().size();
    }
}
