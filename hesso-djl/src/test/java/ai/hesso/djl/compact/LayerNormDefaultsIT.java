package ai.hesso.djl.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import ai.hesso.djl.discovery.GroupDiscovery;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A {@link LayerNorm} built with DJL's defaults (no {@code axis}: every axis but the batch) is
 * discovered and rebuilt like one with its axis given: the default stays a default.
 */
class LayerNormDefaultsIT {

    private static final Shape INPUT = new Shape(4, 5);

    /** {@code Linear(8) LayerNorm() Linear(6) relu Linear(3)} on 5 features. */
    private static Block model() {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(8).build())
                .add(LayerNorm.builder().build())
                .add(Linear.builder().setUnits(6).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(3).build());
    }

    @Test
    void aDefaultLayerNormIsTracedAndRebuiltWithItsDefault() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = CompactFixtures.init(model(), manager, INPUT, 9);
            DiscoveryReport report = GroupDiscovery.builder().build().discover(block, INPUT);
            // the layer norm mixes its 8 channels: the first linear layer stays whole; the
            // hidden layer after it is the one prunable group
            List<String> prunable =
                    report.prunableGroups().stream().map(DiscoveredGroup::name).toList();
            assertEquals(List.of("03Linear"), prunable);
            DiscoveredGroup hidden = report.prunableGroups().get(0);
            CompactFixtures.zero(block, hidden, 1, 4);
            NDArray x = CompactFixtures.input(manager, INPUT, 3);
            float[] zeroed = CompactFixtures.forward(block, manager, x);
            try (CompactModel compact = Compaction.compactZeroChannels(block, report, INPUT)) {
                assertEquals(2, compact.selection().count());
                float[] small = CompactFixtures.forward(compact.model().getBlock(), manager, x);
                assertTrue(
                        CompactFixtures.maxAbsDiff(zeroed, small) <= 1e-5,
                        "compact vs zeroed " + CompactFixtures.maxAbsDiff(zeroed, small));
                // Linear(8): 5*8+8 = 48, LayerNorm gamma and beta over 8: 16, Linear(4): 8*4+4 =
                // 36, Linear(3): 4*3+3 = 15
                assertEquals(115, compact.report().after().parameters());
                Block norm = compact.model().getBlock().getChildren().get(1).getValue();
                assertEquals(new Shape(8), norm.getParameters().get("gamma").getArray().getShape());
            }
        }
    }
}
