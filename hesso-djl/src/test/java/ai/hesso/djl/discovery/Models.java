package ai.hesso.djl.discovery;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.hesso.core.group.GroupMember;
import ai.hesso.fixtures.ParameterValues;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/** Test helpers: initialise with random parameters, list members, check disjointness. */
final class Models {

    private Models() {}

    /**
     * Initialises a block and overwrites every parameter with seeded random values (running
     * variances positive), so biases, betas and running means are non-zero.
     */
    static <B extends Block> B init(B block, NDManager manager, Shape input) {
        block.initialize(manager, DataType.FLOAT32, input);
        Random random = new Random(7);
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray arr = p.getValue().getArray();
            float[] data = new float[Math.toIntExact(arr.size())];
            boolean variance = p.getKey().endsWith("runningVar");
            for (int i = 0; i < data.length; i++) {
                data[i] =
                        variance
                                ? 0.5f + random.nextFloat()
                                : (float) (0.5 * random.nextGaussian());
            }
            ParameterValues.set(arr, data);
        }
        return block;
    }

    static List<String> members(DiscoveredGroup g) {
        return g.group().members().stream().map(GroupMember::tensor).collect(Collectors.toList());
    }

    static void assertDisjoint(DiscoveryReport report) {
        Set<String> seen = new HashSet<>();
        for (DiscoveredGroup g : report.groups()) {
            for (String m : members(g)) {
                if (!seen.add(m)) {
                    throw new AssertionError("parameter " + m + " is in two node groups");
                }
            }
        }
    }
}
