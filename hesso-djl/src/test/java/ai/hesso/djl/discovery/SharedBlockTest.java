package ai.hesso.djl.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One {@code Linear} instance applied at two places shares its weight: every group that has a
 * member or a consumer slice in it stays unprunable, naming the block and its places.
 */
class SharedBlockTest {

    /**
     * {@code Linear(8) relu shared relu shared relu Linear(8) relu Linear(3)}, {@code shared} one
     * {@code Linear(8)} instance at positions 03 and 05.
     */
    static SequentialBlock twiceApplied() {
        Linear shared = Linear.builder().setUnits(8).build();
        return new SequentialBlock()
                .add(Linear.builder().setUnits(8).build())
                .add(Activation.reluBlock())
                .add(shared)
                .add(Activation.reluBlock())
                .add(shared)
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(8).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(3).build());
    }

    @Test
    void everyGroupTouchingTheSharedWeightIsUnprunableNamingItsPlaces() {
        String shared =
                "block 03Linear is used at 2 places (03Linear, 05Linear share its arrays):"
                        + " removing a channel at one place would cut it at the others";
        try (NDManager manager = NDManager.newBaseManager()) {
            SequentialBlock block = Models.init(twiceApplied(), manager, new Shape(4, 6));
            DiscoveryReport report =
                    GroupDiscovery.builder().build().discover(block, new Shape(4, 6));
            // the first layer's channels are read by the shared weight's columns at 03
            assertEquals(shared, report.group("01Linear").orElseThrow().group().reason());
            // the shared layer's rows at 03 and at 05, and its columns at 05
            assertEquals(shared, report.group("03Linear").orElseThrow().group().reason());
            assertEquals(shared, report.group("05Linear").orElseThrow().group().reason());
            assertEquals(
                    List.of("07Linear"),
                    report.prunableGroups().stream().map(DiscoveredGroup::name).toList());
            assertEquals(5, report.groups().size());
        }
    }
}
