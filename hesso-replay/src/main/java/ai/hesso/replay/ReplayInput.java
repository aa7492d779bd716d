package ai.hesso.replay;

import ai.hesso.core.HessoDriver;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.MemberShapes;
import ai.hesso.core.group.NodeGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a replay needs: the optimizer settings, the initial tensors, the node groups over
 * them, and one gradient per tensor for every step.
 *
 * <p>The constructor checks the whole input before anything runs, so that a bad input never
 * produces partial output: every node group member names a tensor with the group's channel count on
 * its channel axis, the groups are valid for the HESSO driver (unique names, each tensor in one
 * group, a prunable group when the target sparsity is positive), and every step has a gradient of
 * the right size for every tensor and none for unknown tensors.
 *
 * @param settings the optimizer settings
 * @param tensors the trainable tensors, names unique, in output order
 * @param nodeGroups the node groups, in output order
 * @param gradients one map per step from tensor name to its row-major gradient
 */
public record ReplayInput(
        ReplaySettings settings,
        List<ReplayTensor> tensors,
        List<NodeGroup> nodeGroups,
        List<Map<String, double[]>> gradients) {

    /**
     * Validates the input and makes it immutable.
     *
     * @param settings the optimizer settings
     * @param tensors the trainable tensors, at least one, names unique
     * @param nodeGroups the node groups over those tensors
     * @param gradients one map per step, each with a finite gradient for every tensor
     * @throws IllegalArgumentException naming the field and what would be valid
     */
    public ReplayInput {
        Objects.requireNonNull(settings, "settings");
        tensors = List.copyOf(tensors);
        nodeGroups = List.copyOf(nodeGroups);
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("tensors: give at least one tensor");
        }
        Map<String, ReplayTensor> byName = new LinkedHashMap<>();
        for (ReplayTensor tensor : tensors) {
            if (byName.put(tensor.name(), tensor) != null) {
                throw new IllegalArgumentException(
                        "tensors: names must be unique, '" + tensor.name() + "' appears twice");
            }
        }
        for (NodeGroup group : nodeGroups) {
            checkMembers(group, byName);
        }
        // the driver checks names, tensors claimed twice and that something is prunable
        new HessoDriver(settings.hessoSettings(), nodeGroups);
        List<Map<String, double[]>> steps = new ArrayList<>();
        for (int k = 0; k < gradients.size(); k++) {
            steps.add(checkGradients(k, gradients.get(k), byName));
        }
        gradients = Collections.unmodifiableList(steps);
    }

    /**
     * Returns the number of steps.
     *
     * @return the number of gradient maps
     */
    public int steps() {
        return gradients.size();
    }

    private static void checkMembers(NodeGroup group, Map<String, ReplayTensor> tensors) {
        for (GroupMember member : group.members()) {
            ReplayTensor tensor = tensors.get(member.tensor());
            if (tensor == null) {
                throw new IllegalArgumentException(
                        "nodeGroups: group '"
                                + group.name()
                                + "' names tensor '"
                                + member.tensor()
                                + "', which is not among the tensors "
                                + tensors.keySet());
            }
            try {
                MemberShapes.check(group, member, tensor.shape());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("nodeGroups: " + e.getMessage(), e);
            }
        }
    }

    private static Map<String, double[]> checkGradients(
            int step, Map<String, double[]> gradients, Map<String, ReplayTensor> tensors) {
        Objects.requireNonNull(gradients, "gradients");
        for (String name : gradients.keySet()) {
            if (!tensors.containsKey(name)) {
                throw new IllegalArgumentException(
                        "gradients["
                                + step
                                + "] names tensor '"
                                + name
                                + "', which is not among the tensors "
                                + tensors.keySet());
            }
        }
        Map<String, double[]> copy = new LinkedHashMap<>();
        for (ReplayTensor tensor : tensors.values()) {
            double[] gradient = gradients.get(tensor.name());
            if (gradient == null) {
                throw new IllegalArgumentException(
                        "gradients["
                                + step
                                + "] has no gradient for tensor '"
                                + tensor.name()
                                + "'; every step needs one gradient per tensor");
            }
            if (gradient.length != tensor.size()) {
                throw new IllegalArgumentException(
                        "gradients["
                                + step
                                + "]."
                                + tensor.name()
                                + " has "
                                + gradient.length
                                + " values; tensor '"
                                + tensor.name()
                                + "' of shape "
                                + Arrays.toString(tensor.shape())
                                + " needs "
                                + tensor.size());
            }
            for (int i = 0; i < gradient.length; i++) {
                if (!Double.isFinite(gradient[i])) {
                    throw new IllegalArgumentException(
                            "gradients["
                                    + step
                                    + "]."
                                    + tensor.name()
                                    + " must be finite, got "
                                    + gradient[i]
                                    + " at index "
                                    + i);
                }
            }
            copy.put(tensor.name(), gradient.clone());
        }
        return Collections.unmodifiableMap(copy);
    }
}
