package ai.hesso.core.variant;

/**
 * The update direction of one tensor, computed on plain Java arrays in double precision: the
 * executable form of spec section 2, used by the array engine and by tests that cross-check an
 * engine adapter. Holds the tensor's variant state (momentum buffer or Adam moments).
 */
public final class ReferenceDirection {

    private final VariantSettings settings;
    private double[] first;
    private double[] second;
    private int updates;

    /**
     * Creates the state for one tensor.
     *
     * @param settings the variant settings
     */
    public ReferenceDirection(VariantSettings settings) {
        this.settings = settings;
    }

    /**
     * Computes the direction {@code d} of the next update and advances the state.
     *
     * @param values the tensor's values {@code x}
     * @param gradient its gradient {@code g}, after rescaling and clipping
     * @return a new array {@code d}
     */
    public double[] direction(double[] values, double[] gradient) {
        return direction(values, gradient, true);
    }

    /**
     * Returns how many committed directions advanced the state: Adam's {@code j}.
     *
     * @return the number of updates so far
     */
    public int updates() {
        return updates;
    }

    /**
     * Computes the direction {@code d} of the next update, advancing the state only when asked.
     *
     * <ul>
     *   <li>sgd: {@code g' = g + wd x}; with a buffer: {@code buf = g'} on the first step, else
     *       {@code mu buf + (1 - tau) g'}; {@code d = buf} (or {@code g'} without a buffer).
     *   <li>adam: {@code g' = g + wd x}; adamw: {@code g' = g}; {@code m = b1 m + (1-b1) g'},
     *       {@code v = b2 v + (1-b2) g'^2} from zero; {@code d = (m / (1 - b1^j)) / (sqrt(v / (1 -
     *       b2^j)) + eps)}, where {@code j} counts the updates that advanced the moments, this one
     *       included (spec section 2): equal to the optimizer step {@code k} unless steps without
     *       an update (CRIC's probe phase) came before.
     * </ul>
     *
     * @param values the tensor's values {@code x}
     * @param gradient its gradient {@code g}, after rescaling and clipping
     * @param commit whether to advance the state; a preview leaves it untouched
     * @return a new array {@code d}
     */
    public double[] direction(double[] values, double[] gradient, boolean commit) {
        int size = values.length;
        double[] g = new double[size];
        double decay = settings.variant() == Variant.ADAMW ? 0 : settings.weightDecay();
        for (int i = 0; i < size; i++) {
            g[i] = gradient[i] + decay * values[i];
        }
        if (settings.variant() == Variant.SGD) {
            if (!settings.usesMomentumBuffer()) {
                if (commit) {
                    updates++;
                }
                return g;
            }
            double[] buffer = g.clone();
            if (first != null) {
                for (int i = 0; i < size; i++) {
                    buffer[i] = settings.momentum() * first[i] + (1 - settings.dampening()) * g[i];
                }
            }
            if (commit) {
                first = buffer.clone();
                updates++;
            }
            return buffer;
        }
        double[] m = first == null ? new double[size] : first.clone();
        double[] v = second == null ? new double[size] : second.clone();
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        int j = updates + 1;
        double correction1 = 1 - Math.pow(b1, j);
        double correction2 = 1 - Math.pow(b2, j);
        double[] d = new double[size];
        for (int i = 0; i < size; i++) {
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            d[i] = (m[i] / correction1) / (Math.sqrt(v[i] / correction2) + settings.epsilon());
        }
        if (commit) {
            first = m;
            second = v;
            updates++;
        }
        return d;
    }
}
