package ai.hesso.djl.discovery;

import ai.hesso.core.group.GroupMember;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The mutable state of one discovery run: producer nodes (sets of channels made by one layer)
 * joined by a union-find when layers couple their channels (residual adds, batch norms, depthwise
 * convolutions).
 *
 * <p>A node has members (trainable tensors whose rows are its channels), consumers (input slices of
 * the next layers), companions (running statistics and frozen would-be members, the latter also
 * listed as frozen), the paths of the blocks owning them and reasons that block pruning. Nodes
 * without members (the network input, outputs of unsupported blocks) take part in coupling but
 * never become node groups.
 */
final class ChannelGraph {

    /** One producer node; after a union only the root's lists are used. */
    static final class Node {
        final int id;
        final String label;
        final long channels;
        final List<GroupMember> members = new ArrayList<>();
        final List<ParameterSlice> consumers = new ArrayList<>();
        final List<ParameterSlice> companions = new ArrayList<>();
        final Set<String> reasons = new LinkedHashSet<>();
        final Set<String> producerBlocks = new LinkedHashSet<>();
        final Set<String> consumerBlocks = new LinkedHashSet<>();
        final Set<String> frozen = new LinkedHashSet<>();
        String groupName;
        int parent;

        Node(int id, String label, long channels) {
            this.id = id;
            this.label = label;
            this.channels = channels;
            this.parent = id;
        }
    }

    private final List<Node> nodes = new ArrayList<>();

    /**
     * Creates a node.
     *
     * @param label a name for reports, usually the producing block's path
     * @param channels the number of channels
     * @return the node id
     */
    int newNode(String label, long channels) {
        Node node = new Node(nodes.size(), label, channels);
        nodes.add(node);
        return node.id;
    }

    /**
     * Returns the root node of a node's set.
     *
     * @param id a node id
     * @return the root
     */
    Node root(int id) {
        Node n = nodes.get(id);
        while (n.parent != n.id) {
            Node p = nodes.get(n.parent);
            n.parent = p.parent;
            n = nodes.get(n.parent);
        }
        return n;
    }

    /**
     * Couples two nodes: their channels must be removed together. The earlier node stays root.
     *
     * @param a a node id
     * @param b a node id with the same number of channels
     */
    void union(int a, int b) {
        Node ra = root(a);
        Node rb = root(b);
        if (ra == rb) {
            return;
        }
        if (ra.channels != rb.channels) {
            throw new IllegalStateException(
                    "cannot couple "
                            + ra.label
                            + " ("
                            + ra.channels
                            + " channels) with "
                            + rb.label
                            + " ("
                            + rb.channels
                            + " channels)");
        }
        if (rb.id < ra.id) {
            Node t = ra;
            ra = rb;
            rb = t;
        }
        rb.parent = ra.id;
        ra.members.addAll(rb.members);
        ra.consumers.addAll(rb.consumers);
        ra.companions.addAll(rb.companions);
        ra.reasons.addAll(rb.reasons);
        ra.producerBlocks.addAll(rb.producerBlocks);
        ra.consumerBlocks.addAll(rb.consumerBlocks);
        ra.frozen.addAll(rb.frozen);
        if (ra.groupName == null) {
            ra.groupName = rb.groupName;
        }
    }

    void addMember(int id, GroupMember member, String blockPath) {
        Node root = root(id);
        root.members.add(member);
        root.producerBlocks.add(blockPath);
    }

    void addConsumer(int id, ParameterSlice slice, String blockPath) {
        Node root = root(id);
        root.consumers.add(slice);
        root.consumerBlocks.add(blockPath);
    }

    void addCompanion(int id, ParameterSlice slice, String blockPath) {
        Node root = root(id);
        root.companions.add(slice);
        root.producerBlocks.add(blockPath);
    }

    /**
     * Names the group a node becomes (otherwise it is named after its first member's block).
     *
     * @param id a node id
     * @param name the group name, e.g. the attention block's path and {@code _heads}
     */
    void nameGroup(int id, String name) {
        root(id).groupName = name;
    }

    void addFrozen(int id, String parameter) {
        root(id).frozen.add(parameter);
    }

    void block(int id, String reason) {
        root(id).reasons.add(reason);
    }

    /**
     * Returns the root nodes in creation order.
     *
     * @return the roots
     */
    List<Node> roots() {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            if (root(n.id) == n) {
                out.add(n);
            }
        }
        return out;
    }
}
