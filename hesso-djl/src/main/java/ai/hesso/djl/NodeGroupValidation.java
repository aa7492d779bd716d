package ai.hesso.djl;

import ai.djl.nn.Parameter;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.MemberShapes;
import ai.hesso.core.group.NodeGroup;
import java.util.List;
import java.util.Map;

/** Checks node groups against the block's real parameters before training touches anything. */
final class NodeGroupValidation {

    private NodeGroupValidation() {}

    /**
     * Checks that every member names a trainable, initialized parameter with the group's channel
     * count on its channel axis.
     *
     * @param groups the node groups
     * @param parameters the block's parameters by path
     * @throws IllegalArgumentException naming the group, the tensor and what would be valid
     */
    static void check(List<NodeGroup> groups, Map<String, Parameter> parameters) {
        checkMembers(groups, parameters);
    }

    /**
     * Checks, as {@link #check(List, Map)}, and that no tensor belongs to two groups (or twice to
     * one) and no two members are one parameter or one array under two names (a block applied at
     * two places lists its parameters under both paths): a channel removed through one would be cut
     * at the other, so such groups would prune what they do not name. For node groups given by hand
     * every group counts; for discovered ones the prunable groups (discovery leaves a shared
     * block's groups unprunable, with the reason).
     *
     * @param groups the node groups
     * @param parameters the block's parameters by path
     * @param handGiven whether the groups were given by hand
     * @throws IllegalArgumentException naming the group, the tensor and what would be valid, or
     *     both tensors and both groups of a shared or aliased member
     */
    static void check(
            List<NodeGroup> groups, Map<String, Parameter> parameters, boolean handGiven) {
        checkMembers(groups, parameters);
        Map<String, String> groupOf = new java.util.HashMap<>();
        Map<Object, String> tensorOf = new java.util.IdentityHashMap<>();
        for (NodeGroup group : groups) {
            if (!handGiven && !group.prunable()) {
                continue;
            }
            for (GroupMember member : group.members()) {
                String tensor = member.tensor();
                String before = groupOf.putIfAbsent(tensor, group.name());
                if (before != null) {
                    throw new IllegalArgumentException(
                            "parameter '"
                                    + tensor
                                    + "' is a member of node group '"
                                    + before
                                    + "' and "
                                    + (before.equals(group.name())
                                            ? "again of the same group"
                                            : "of node group '" + group.name() + "'")
                                    + ": each tensor's rows belong to one group; list it once");
                }
                Parameter parameter = parameters.get(tensor);
                for (Object identity : List.of(parameter, parameter.getArray())) {
                    String other = tensorOf.putIfAbsent(identity, tensor);
                    if (other != null && !other.equals(tensor)) {
                        throw new IllegalArgumentException(
                                "parameters '"
                                        + other
                                        + "' (node group '"
                                        + groupOf.get(other)
                                        + "') and '"
                                        + tensor
                                        + "' (node group '"
                                        + group.name()
                                        + "') are one "
                                        + (identity == parameter ? "parameter" : "array")
                                        + " under two names (a block used at two places?):"
                                        + " removing a channel through one would cut it at the"
                                        + " other; name it in one group only, or leave the"
                                        + " shared block's groups out");
                    }
                }
            }
        }
    }

    private static void checkMembers(List<NodeGroup> groups, Map<String, Parameter> parameters) {
        for (NodeGroup group : groups) {
            for (GroupMember member : group.members()) {
                Parameter parameter = parameters.get(member.tensor());
                if (parameter == null) {
                    throw new IllegalArgumentException(
                            "node group '"
                                    + group.name()
                                    + "' names parameter '"
                                    + member.tensor()
                                    + "', which the block does not have; its parameters are "
                                    + parameters.keySet());
                }
                if (!parameter.requiresGradient()) {
                    throw new IllegalArgumentException(
                            "node group '"
                                    + group.name()
                                    + "' names parameter '"
                                    + member.tensor()
                                    + "', which is not trainable (e.g. a running statistic);"
                                    + " members must be trainable tensors");
                }
                if (!parameter.isInitialized()) {
                    throw new IllegalArgumentException(
                            "parameter '" + member.tensor() + "' is not initialized");
                }
                MemberShapes.check(group, member, parameter.getArray().getShape().getShape());
            }
        }
    }
}
