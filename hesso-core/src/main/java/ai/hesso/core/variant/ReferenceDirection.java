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

    /**
     * Creates the state for one tensor.
     *
     * @param settings the variant settings
     */
    public ReferenceDirection(VariantSettings settings) {
        this.settings = settings;
    }

    /**
     * Computes the direction {@code d} for step {@code k} and advances the state.
     *
     * <ul>
     *   <li>sgd: {@code g' = g + wd x}; with a buffer: {@code buf = g'} on the first step, else
     *       {@code mu buf + (1 - tau) g'}; {@code d = buf} (or {@code g'} without a buffer).
     *   <li>adam: {@code g' = g + wd x}; adamw: {@code g' = g}; {@code m = b1 m + (1-b1) g'},
     *       {@code v = b2 v + (1-b2) g'^2} from zero; {@code d = (m / (1 - b1^k)) / (sqrt(v / (1 -
     *       b2^k)) + eps)}.
     * </ul>
     *
     * @param values the tensor's values {@code x}
     * @param gradient its gradient {@code g}, after rescaling and clipping
     * @param step the 1-based optimizer step {@code k}
     * @return a new array {@code d}
     */
    public double[] direction(double[] values, double[] gradient, int step) {
        int size = values.length;
        double[] g = new double[size];
        double decay = settings.variant() == Variant.ADAMW ? 0 : settings.weightDecay();
        for (int i = 0; i < size; i++) {
            g[i] = gradient[i] + decay * values[i];
        }
        if (settings.variant() == Variant.SGD) {
            if (!settings.usesMomentumBuffer()) {
                return g;
            }
            if (first == null) {
                first = g.clone();
            } else {
                for (int i = 0; i < size; i++) {
                    first[i] = settings.momentum() * first[i] + (1 - settings.dampening()) * g[i];
                }
            }
            return first.clone();
        }
        if (first == null) {
            first = new double[size];
            second = new double[size];
        }
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        double correction1 = 1 - Math.pow(b1, step);
        double correction2 = 1 - Math.pow(b2, step);
        double[] d = new double[size];
        for (int i = 0; i < size; i++) {
            first[i] = b1 * first[i] + (1 - b1) * g[i];
            second[i] = b2 * second[i] + (1 - b2) * g[i] * g[i];
            d[i] =
                    (first[i] / correction1)
                            / (Math.sqrt(second[i] / correction2) + settings.epsilon());
        }
        return d;
    }
}
