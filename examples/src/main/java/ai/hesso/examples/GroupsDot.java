package ai.hesso.examples;

import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import ai.hesso.djl.discovery.DiscoveredGroup;
import ai.hesso.djl.discovery.DiscoveryReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders a block as a Graphviz DOT graph: one box per layer, one diamond per parallel join, each
 * layer with parameters filled with the colour of its node group (grey when unprunable).
 */
final class GroupsDot {

    private static final String[] PALETTE = {
        "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5",
        "#bc80bd", "#ccebc5", "#ffed6f"
    };

    private final DiscoveryReport report;
    private final StringBuilder out = new StringBuilder();
    private final Map<String, String> colours = new HashMap<>();
    private int next;

    private GroupsDot(DiscoveryReport report) {
        this.report = report;
        int i = 0;
        for (DiscoveredGroup g : report.groups()) {
            colours.put(
                    g.name(), g.group().prunable() ? PALETTE[i++ % PALETTE.length] : "lightgrey");
        }
    }

    /**
     * Renders the graph.
     *
     * @param block the block the report was made for
     * @param report the discovery report
     * @return the DOT text
     */
    static String render(Block block, DiscoveryReport report) {
        GroupsDot dot = new GroupsDot(report);
        dot.out
                .append("digraph model {\n  rankdir=TB;\n  node [shape=box, style=filled,")
                .append(" fillcolor=white, fontname=\"Helvetica\"];\n")
                .append("  input [shape=oval];\n");
        List<String> exits = dot.visit(block, "", List.of("input"));
        dot.out.append("  output [shape=oval];\n");
        for (String e : exits) {
            dot.edge(e, "output");
        }
        dot.out.append("}\n");
        return dot.out.toString();
    }

    private List<String> visit(Block block, String path, List<String> entries) {
        if (block.getClass() == SequentialBlock.class) {
            List<String> current = entries;
            for (Pair<String, Block> child : block.getChildren()) {
                current = visit(child.getValue(), join(path, child.getKey()), current);
            }
            return current;
        }
        if (block.getClass() == ParallelBlock.class) {
            List<String> ends = new ArrayList<>();
            for (Pair<String, Block> child : block.getChildren()) {
                ends.addAll(visit(child.getValue(), join(path, child.getKey()), entries));
            }
            String id = "n" + next++;
            out.append("  ")
                    .append(id)
                    .append(" [shape=diamond, label=\"")
                    .append(path)
                    .append("\\njoin\"];\n");
            ends.forEach(e -> edge(e, id));
            return List.of(id);
        }
        String id = "n" + next++;
        String label =
                (path.isEmpty() ? "<root>" : path) + "\\n" + block.getClass().getSimpleName();
        String fill = "white";
        Optional<DiscoveredGroup> group =
                block.getDirectParameters().keys().stream()
                        .map(name -> report.groupOf(join(path, name)))
                        .flatMap(Optional::stream)
                        .findFirst();
        if (group.isPresent()) {
            DiscoveredGroup g = group.get();
            fill = colours.get(g.name());
            label +=
                    "\\ngroup "
                            + g.name()
                            + " ("
                            + g.group().channels()
                            + (g.group().prunable() ? ")" : ", unprunable)");
        }
        out.append("  ")
                .append(id)
                .append(" [label=\"")
                .append(label)
                .append("\", fillcolor=\"")
                .append(fill)
                .append("\"];\n");
        entries.forEach(e -> edge(e, id));
        return List.of(id);
    }

    private void edge(String from, String to) {
        out.append("  ").append(from).append(" -> ").append(to).append(";\n");
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "_" + name;
    }
}
