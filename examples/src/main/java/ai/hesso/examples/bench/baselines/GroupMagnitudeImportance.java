package ai.hesso.examples.bench.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.djl.engine.ChannelRows;
import java.util.Objects;
import java.util.function.Function;

/**
 * The group L2 norm of each channel over all member rows: {@code score_i = sqrt(sum_t
 * ||x_t[i]||^2)}, where {@code x_t[i]} is the rows of channel {@code i} in member tensor {@code t}
 * ({@link ChannelRows}; a run of rows for an attention head) (a convolution's out-channel weights
 * and bias, the following batch norm's gamma and beta, ...). This is the magnitude criterion of
 * Torch-Pruning's group pruning with {@code p = 2}, summed over the group rather than averaged, and
 * the same quantity as HESSO's {@code magnitude} saliency.
 */
public final class GroupMagnitudeImportance implements ChannelImportance {

    /** Creates the criterion; it has no settings. */
    public GroupMagnitudeImportance() {}

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException naming the group and tensor when a member is missing or its
     *     channel axis does not have {@code group.channels()} entries
     */
    @Override
    public double[] scores(NodeGroup group, Function<String, NDArray> tensors) {
        Objects.requireNonNull(group, "group");
        int n = group.channels();
        double[] squares = new double[n];
        for (GroupMember m : group.members()) {
            NDArray x = tensors.apply(m.tensor());
            if (x == null) {
                throw new IllegalArgumentException(
                        "node group '"
                                + group.name()
                                + "' names tensor '"
                                + m.tensor()
                                + "', which has no value");
            }
            // x joins a scratch manager for this call (and returns to its own after), so the
            // intermediate arrays are freed with the scratch manager
            try (NDManager scratch = x.getManager().newSubManager()) {
                x.tempAttach(scratch);
                float[] rowSquares =
                        ChannelRows.matrix(x, group, m).square().sum(new int[] {1}).toFloatArray();
                for (int i = 0; i < n; i++) {
                    squares[i] += rowSquares[i];
                }
            }
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.sqrt(squares[i]);
        }
        return out;
    }
}
