package ai.hesso.djl.compact;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import ai.hesso.djl.engine.Aliases;
import java.util.HashSet;
import java.util.Set;

/**
 * Copies the kept values of every parameter of the original block into the rebuilt one, by
 * parameter path, after checking that both blocks have the same paths and that every sliced shape
 * equals the rebuilt parameter's shape.
 */
final class ParameterCopier {

    private ParameterCopier() {}

    /**
     * Copies every parameter.
     *
     * @param original the original, initialized block
     * @param rebuilt the rebuilt, initialized block
     * @param plan what each parameter loses
     * @throws CompactionException when the paths or shapes do not line up
     */
    static void copy(Block original, Block rebuilt, RemovalPlan plan) {
        ParameterList from = original.getParameters();
        ParameterList to = rebuilt.getParameters();
        Set<String> missing = new HashSet<>(from.keys());
        missing.removeAll(to.keys());
        Set<String> extra = new HashSet<>(to.keys());
        extra.removeAll(from.keys());
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw new CompactionException(
                    "",
                    "the rebuilt block's parameter paths do not line up with the original's:"
                            + " missing "
                            + missing
                            + ", unexpected "
                            + extra);
        }
        for (Pair<String, Parameter> p : to) {
            String path = p.getKey();
            Parameter target = p.getValue();
            Parameter source = from.get(path);
            copyOne(path, source, target, plan);
            if (source.requiresGradient() != target.requiresGradient()) {
                target.freeze(!source.requiresGradient());
            }
        }
    }

    private static void copyOne(String path, Parameter source, Parameter target, RemovalPlan plan) {
        NDArray src = source.getArray();
        NDArray dst = target.getArray();
        if (src.getDataType() != dst.getDataType()) {
            throw new CompactionException(
                    blockOf(path),
                    "parameter "
                            + path
                            + " is "
                            + src.getDataType()
                            + " but the rebuilt one is "
                            + dst.getDataType()
                            + "; compaction needs every parameter in one data type");
        }
        try (NDManager temp = src.getManager().newSubManager()) {
            src.tempAttach(temp);
            NDArray kept = ParameterSlicer.slice(src, plan.removedFrom(path));
            if (!kept.getShape().equals(dst.getShape())) {
                throw new CompactionException(
                        blockOf(path),
                        "parameter "
                                + path
                                + ": the kept values have shape "
                                + kept.getShape()
                                + " but the rebuilt layer's parameter has shape "
                                + dst.getShape());
            }
            Aliases.overwrite(dst, kept);
        }
    }

    private static String blockOf(String parameterPath) {
        int cut = parameterPath.lastIndexOf('_');
        return cut < 0 ? "" : parameterPath.substring(0, cut);
    }
}
