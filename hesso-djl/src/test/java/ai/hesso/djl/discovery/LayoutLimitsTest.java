package ai.hesso.djl.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv2dTranspose;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.hesso.fixtures.DiscoveryModels;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The layouts discovery leaves unprunable on purpose, each with the reason it gives: grouped
 * convolutions, transposed convolutions (not implemented by DJL's PyTorch engine) and a batch norm
 * over a concatenation. The layers around them stay prunable and sane.
 */
class LayoutLimitsTest {

    private static final Shape INPUT = DiscoveryModels.IMAGE_INPUT;

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static Conv2d conv(int filters, int kernel, int groups) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .optGroups(groups)
                .build();
    }

    private static SequentialBlock head(SequentialBlock body) {
        return body.add(Activation.reluBlock())
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(3).build());
    }

    private DiscoveryReport discoverAndCheck(Block block) {
        Models.init(block, manager, INPUT);
        DiscoveryReport r = GroupDiscovery.builder().build().discover(block, INPUT);
        Models.assertDisjoint(r);
        for (SanityResult s : SanityCheck.builder().build().check(block, r, INPUT)) {
            assertEquals(0.0, s.maxDifference(), s.toString());
        }
        return r;
    }

    private static void assertBlocked(DiscoveryReport r, String group, String reason) {
        DiscoveredGroup g = r.group(group).orElseThrow(() -> new AssertionError(r.format()));
        assertFalse(g.group().prunable(), group);
        assertTrue(g.group().reason().contains(reason), group + ": " + g.group().reason());
    }

    @Test
    void aGroupedConvolutionLeavesItsInputAndOutputUnprunable() {
        SequentialBlock block =
                head(
                        new SequentialBlock()
                                .add(conv(4, 3, 1))
                                .add(Activation.reluBlock())
                                .add(conv(6, 3, 2))
                                .add(Activation.reluBlock())
                                .add(conv(5, 1, 1)));
        DiscoveryReport r = discoverAndCheck(block);
        String why = "grouped convolution 03Conv2d (groups=2): removing one of its input channels";
        assertBlocked(r, "01Conv2d", why);
        assertBlocked(r, "03Conv2d", why);
        assertEquals(List.of("05Conv2d"), r.prunableGroups().stream().map(g -> g.name()).toList());
    }

    @Test
    void aTransposedConvolutionIsUnsupportedBecauseTheEngineCannotRunIt() {
        SequentialBlock block =
                head(
                        new SequentialBlock()
                                .add(conv(4, 3, 1))
                                .add(Activation.reluBlock())
                                .add(
                                        Conv2dTranspose.builder()
                                                .setFilters(6)
                                                .setKernelShape(new Shape(2, 2))
                                                .optStride(new Shape(2, 2))
                                                .build()));
        Models.init(block, manager, INPUT);
        DiscoveryReport r = GroupDiscovery.builder().build().discover(block, INPUT);
        assertBlocked(r, "01Conv2d", "unsupported block 03Conv2dTranspose (Conv2dTranspose)");
        assertTrue(r.groupOf("03Conv2dTranspose_weight").isEmpty());
        assertTrue(
                r.findings().stream()
                        .anyMatch(
                                f ->
                                        f.subject().equals("03Conv2dTranspose")
                                                && f.message()
                                                        .contains(
                                                                "no layer support for "
                                                                        + Conv2dTranspose.class
                                                                                .getName())),
                r.findings().toString());
        // why there is no handler: DJL 0.29's PyTorch engine has no deconvolution
        UnsupportedOperationException e =
                assertThrows(
                        UnsupportedOperationException.class,
                        () ->
                                block.forward(
                                        new ParameterStore(manager, false),
                                        new NDList(manager.ones(INPUT)),
                                        false));
        assertEquals("Not implemented", e.getMessage());
    }

    @Test
    void aBatchNormOverAConcatenationLeavesTheBranchesUnprunable() {
        ParallelBlock branches =
                new ParallelBlock(
                        list ->
                                new NDList(
                                        NDArrays.concat(
                                                new NDList(
                                                        list.stream()
                                                                .map(NDList::singletonOrThrow)
                                                                .toList()),
                                                1)),
                        List.of(conv(3, 1, 1), conv(2, 1, 1)));
        SequentialBlock block =
                head(
                        new SequentialBlock()
                                .add(conv(4, 3, 1))
                                .add(Activation.reluBlock())
                                .add(branches)
                                .add(BatchNorm.builder().build())
                                .add(Activation.reluBlock())
                                .add(conv(4, 1, 1)));
        DiscoveryReport r = discoverAndCheck(block);
        String why = "BatchNorm 04BatchNorm spans channels of several producers";
        assertBlocked(r, "03ParallelBlock_01Conv2d", why);
        assertBlocked(r, "03ParallelBlock_02Conv2d", why);
        assertBlocked(r, "04BatchNorm", why);
        assertEquals(
                List.of("01Conv2d", "06Conv2d"),
                r.prunableGroups().stream().map(g -> g.name()).toList());
    }
}
