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
