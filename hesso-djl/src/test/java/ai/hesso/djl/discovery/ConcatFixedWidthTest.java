package ai.hesso.djl.discovery;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Concatenation joins whose width a lambda fixes: inside a branch, after the join, or in the join
 * itself. Every producer whose width is fixed stays unprunable with the reason; the other branch's
 * producer stays prunable, and the sanity check holds for what is left prunable.
 */
class ConcatFixedWidthTest {

    private static final Shape INPUT = new Shape(2, 3, 6, 6);

    /**
     * {@code Conv(4) relu}, then {@code concat(branchA, branchB)} with {@code branchA = Conv(6)
     * relu afterA} and {@code branchB = Conv(5) relu}, then {@code after}, global average pool,
     * flatten, {@code Linear(3)}.
     */
    private static Block model(
            UnaryOperator<NDArray> afterA,
            Function<List<NDList>, NDList> join,
            UnaryOperator<NDArray> after) {
        Block a =
                new SequentialBlock()
                        .add(conv(6))
                        .add(Activation.reluBlock())
                        .add(
                                new LambdaBlock(
                                        in -> new NDList(afterA.apply(in.singletonOrThrow()))));
        Block b = new SequentialBlock().add(conv(5)).add(Activation.reluBlock());
        return new SequentialBlock()
                .add(conv(4))
                .add(Activation.reluBlock())
                .add(new ParallelBlock(join, List.of(a, b)))
                .add(new LambdaBlock(in -> new NDList(after.apply(in.singletonOrThrow()))))
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(3).build());
    }

    private static NDList concat(List<NDList> branches) {
        return new NDList(
                branches.get(0).singletonOrThrow().concat(branches.get(1).singletonOrThrow(), 1));
    }

    private static NDArray fixed(NDArray x, int channels) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), channels, s.get(2), s.get(3));
    }

    private static Conv2d conv(int filters) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .build();
    }

    private static DiscoveryReport discover(Block block, NDManager manager) {
        Models.init(block, manager, INPUT);
        DiscoveryReport report = GroupDiscovery.builder().build().discover(block, INPUT);
        for (SanityResult r : SanityCheck.builder().build().check(block, report, INPUT)) {
            assertTrue(r.passed(), r.toString());
        }
        return report;
    }

    private static String branchA(DiscoveryReport unused) {
        return "03ParallelBlock_01SequentialBlock_01Conv2d";
    }

    @Test
    void aWidthFixedInsideABranchLeavesThatBranchUnprunableOnly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DiscoveryReport report =
                    discover(
                            model(x -> fixed(x, 6), ConcatFixedWidthTest::concat, x -> x), manager);
            DiscoveredGroup a = report.group(branchA(report)).orElseThrow();
            assertFalse(a.group().prunable(), report.format());
            assertTrue(a.group().reason().contains("fixes the width at 6 channels"), a.toString());
            assertTrue(
                    report.group("03ParallelBlock_02SequentialBlock_01Conv2d")
                            .orElseThrow()
                            .group()
                            .prunable(),
                    report.format());
            assertTrue(report.group("01Conv2d").orElseThrow().group().prunable());
        }
    }

    @Test
    void aWidthFixedAfterTheJoinLeavesBothBranchesUnprunable() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DiscoveryReport report =
                    discover(
                            model(x -> x, ConcatFixedWidthTest::concat, x -> fixed(x, 11)),
                            manager);
            for (String branch :
                    List.of(
                            "03ParallelBlock_01SequentialBlock_01Conv2d",
                            "03ParallelBlock_02SequentialBlock_01Conv2d")) {
                DiscoveredGroup g = report.group(branch).orElseThrow();
                assertFalse(g.group().prunable(), report.format());
                assertTrue(
                        g.group().reason().contains("fixes the width at 11 channels"),
                        g.toString());
            }
            assertTrue(report.group("01Conv2d").orElseThrow().group().prunable());
        }
    }

    @Test
    void aJoinThatFixesTheWidthLeavesBothBranchesUnprunable() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DiscoveryReport report =
                    discover(
                            model(x -> x, in -> new NDList(fixed(concat(in).head(), 11)), x -> x),
                            manager);
            for (String branch :
                    List.of(
                            "03ParallelBlock_01SequentialBlock_01Conv2d",
                            "03ParallelBlock_02SequentialBlock_01Conv2d")) {
                DiscoveredGroup g = report.group(branch).orElseThrow();
                assertFalse(g.group().prunable(), branch + ": " + report.format());
                assertTrue(
                        g.group()
                                .reason()
                                .startsWith(
                                        "03ParallelBlock fixes the width at "
                                                + g.group().channels()
                                                + " channels: at "
                                                + (g.group().channels() - 1)
                                                + " of its "
                                                + g.group().channels()
                                                + " channels it fails: shape"),
                        g.group().reason());
            }
            assertTrue(report.group("01Conv2d").orElseThrow().group().prunable());
        }
    }
}
