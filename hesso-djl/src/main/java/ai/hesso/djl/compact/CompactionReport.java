package ai.hesso.djl.compact;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What compaction changed: each layer's channels, parameters and MACs before and after, and the
 * totals. Counted as {@link BlockCost} documents (per input sample; parameters include batch norm
 * running statistics).
 */
public final class CompactionReport {

    private final BlockCost before;
    private final BlockCost after;
    private final List<LayerChange> layers;

    /**
     * Pairs the costs of the original and the compact model layer by layer.
     *
     * @param before the original model's costs
     * @param after the compact model's costs, the same layers in the same order
     * @throws IllegalArgumentException if the layers do not pair up
     */
    public CompactionReport(BlockCost before, BlockCost after) {
        this.before = Objects.requireNonNull(before, "before");
        this.after = Objects.requireNonNull(after, "after");
        if (before.layers().size() != after.layers().size()) {
            throw new IllegalArgumentException(
                    "the original has "
                            + before.layers().size()
                            + " layers, the compact model "
                            + after.layers().size());
        }
        List<LayerChange> list = new ArrayList<>();
        for (int i = 0; i < before.layers().size(); i++) {
            list.add(new LayerChange(before.layers().get(i), after.layers().get(i)));
        }
        this.layers = List.copyOf(list);
    }

    /**
     * Returns the layers, in the order they run.
     *
     * @return one change per layer with parameters
     */
    public List<LayerChange> layers() {
        return layers;
    }

    /**
     * Returns the original model's costs.
     *
     * @return the costs before
     */
    public BlockCost before() {
        return before;
    }

    /**
     * Returns the compact model's costs.
     *
     * @return the costs after
     */
    public BlockCost after() {
        return after;
    }

    /**
     * Formats a table: one row per layer (input and output channels, parameters, MACs, each as
     * {@code before -> after}), then the totals.
     *
     * @return a multi-line text
     */
    public String format() {
        String row = "%-44s %-10s %13s %13s %21s %25s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT, row, "layer", "kind", "in", "out", "parameters", "MACs"));
        for (LayerChange c : layers) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            row,
                            c.path(),
                            c.kind(),
                            arrow(c.before().inChannels(), c.after().inChannels()),
                            arrow(c.before().outChannels(), c.after().outChannels()),
                            arrow(c.before().parameters(), c.after().parameters()),
                            arrow(c.before().macs(), c.after().macs())));
        }
        sb.append(
                String.format(
                        Locale.ROOT,
                        "total parameters %,d -> %,d (%.1f%%), MACs per sample %,d -> %,d (%.1f%%)%n",
                        before.parameters(),
                        after.parameters(),
                        percent(after.parameters(), before.parameters()),
                        before.macs(),
                        after.macs(),
                        percent(after.macs(), before.macs())));
        return sb.toString();
    }

    private static String arrow(long a, long b) {
        return a == b ? Long.toString(a) : a + " -> " + b;
    }

    private static double percent(long part, long whole) {
        return whole == 0 ? 100.0 : 100.0 * part / whole;
    }

    @Override
    public String toString() {
        return format();
    }
}
