package ai.hesso.examples.bench.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.djl.engine.ChannelRows;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Torch-Pruning's group magnitude importance with {@code p = 2}: {@code score_i = sum_t
 * sum(x_t[i]^2)}, the sum of squares (no square root) of the rows of channel {@code i} ({@link
 * ChannelRows}) over the member tensors {@code t} of its node group that the filter admits.
 *
 * <p>Which Torch-Pruning settings this reproduces ({@code tp.importance.GroupMagnitudeImportance},
 * alias {@code MagnitudeImportance}): {@code p=2} (squares summed over each member's rows), {@code
 * bias=False} with {@link #weightsAndGammas} (convolution and linear biases and batch-norm betas
 * are left out; gammas count, as TP counts a batch norm's {@code weight}). {@code
 * group_reduction='mean'} divides every channel of a group by the same member count, so after the
 * {@code normalizer='mean'} of {@link MeanNormalization} it changes nothing and is not applied here
 * ({@code 'sum'} would rank the same). One difference remains: TP's group also holds the consumers'
 * input columns (the next convolution's in-channels) and adds their squares; this score counts only
 * the group's member rows (its out-channels), as our {@link GroupMagnitudeImportance} does.
 */
public final class SquaredMagnitudeImportance implements ChannelImportance {

    private final Predicate<String> tensors;

    /**
     * Creates the criterion.
     *
     * @param tensors which member tensors count, by parameter name
     */
    public SquaredMagnitudeImportance(Predicate<String> tensors) {
        this.tensors = Objects.requireNonNull(tensors, "tensors");
    }

    /**
     * The criterion over a block's weights and batch-norm gammas only (Torch-Pruning's {@code
     * bias=False}): the parameters of type {@code WEIGHT} or {@code GAMMA}.
     *
     * @param block the block whose parameter names the node groups use
     * @return the criterion
     */
    public static SquaredMagnitudeImportance weightsAndGammas(Block block) {
        Set<String> names = new HashSet<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter.Type type = p.getValue().getType();
            if (type == Parameter.Type.WEIGHT || type == Parameter.Type.GAMMA) {
                names.add(p.getKey());
            }
        }
        return new SquaredMagnitudeImportance(names::contains);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException naming the group and tensor when an admitted member has no
     *     value
     */
    @Override
    public double[] scores(NodeGroup group, Function<String, NDArray> values) {
        Objects.requireNonNull(group, "group");
        double[] squares = new double[group.channels()];
        for (GroupMember m : group.members()) {
            if (!tensors.test(m.tensor())) {
                continue;
            }
            NDArray x = values.apply(m.tensor());
            if (x == null) {
                throw new IllegalArgumentException(
                        "node group '"
                                + group.name()
                                + "' names tensor '"
                                + m.tensor()
                                + "', which has no value");
            }
            try (NDManager scratch = x.getManager().newSubManager()) {
                x.tempAttach(scratch);
                float[] rowSquares =
                        ChannelRows.matrix(x, group, m).square().sum(new int[] {1}).toFloatArray();
                for (int i = 0; i < squares.length; i++) {
                    squares[i] += rowSquares[i];
                }
            }
        }
        return squares;
    }
}
