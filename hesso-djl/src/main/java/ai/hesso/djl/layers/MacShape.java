package ai.hesso.djl.layers;

import java.util.Objects;

/**
 * Which widths a layer's MACs scale with, for MAC budgets: {@code macs = coefficient * in * out},
 * where {@code out} is the number of rows of the {@link #outputRows} parameter (axis 0; they follow
 * the node group that parameter is a member of, whole runs of rows per channel included) and {@code
 * in} is the number of columns of the {@link #inputColumns} parameter (axis 1; they follow every
 * node group whose consumer slice lies there), or 1 when the MACs do not depend on the input width
 * (a norm's scale and shift). {@code cost.BlockMacs} turns it into the core's {@code LayerMacs}
 * term; the coefficient is the layer's dense MACs divided by its dense {@code in * out}.
 *
 * @param outputRows the parameter path whose rows are the layer's output channels
 * @param inputColumns the parameter path whose columns are the layer's inputs, or null for 1
 */
public record MacShape(String outputRows, String inputColumns) {

    /**
     * Validates the shape.
     *
     * @param outputRows the parameter path whose rows scale the MACs, not null
     * @param inputColumns the parameter path whose columns scale them, or null
     */
    public MacShape {
        Objects.requireNonNull(outputRows, "outputRows");
    }

    /**
     * MACs that scale with a weight's rows and columns (a linear layer, a convolution).
     *
     * @param weight the weight's parameter path
     * @return the shape
     */
    public static MacShape weight(String weight) {
        return new MacShape(weight, weight);
    }

    /**
     * MACs that scale with a parameter's rows only (a norm's gamma, one MAC per output value).
     *
     * @param parameter the parameter path
     * @return the shape
     */
    public static MacShape rowsOf(String parameter) {
        return new MacShape(parameter, null);
    }
}
