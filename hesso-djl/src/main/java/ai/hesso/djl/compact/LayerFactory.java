package ai.hesso.djl.compact;

import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;

/**
 * Creates a new layer with the settings of an old one and a new width: {@link Linear} (units),
 * {@link Conv1d}, {@link Conv2d}, {@link Conv3d} (filters and groups; kernel, stride, padding,
 * dilation and bias copied), {@link BatchNorm} and {@link LayerNorm} (axis, epsilon, momentum,
 * center, scale copied; the width comes from the input) and {@link Dropout} (rate).
 */
final class LayerFactory {

    private LayerFactory() {}

    /**
     * Rebuilds one layer.
     *
     * @param block the old layer
     * @param path its path
     * @param widths the new widths
     * @return the new, uninitialized layer
     * @throws CompactionException when the type is unknown or a setting cannot be read
     */
    static Block rebuild(Block block, String path, LayerWidths widths) {
        Class<?> type = block.getClass();
        if (type == Linear.class) {
            return Linear.builder()
                    .setUnits(width(block, path, widths).width())
                    .optBias(block.getDirectParameters().contains("bias"))
                    .build();
        }
        if (type == Conv1d.class || type == Conv2d.class || type == Conv3d.class) {
            return convolution((Convolution) block, width(block, path, widths));
        }
        if (type == BatchNorm.class) {
            return BatchNorm.builder()
                    .optAxis(Fields.read(block, BatchNorm.class, "axis", Integer.class, path))
                    .optEpsilon(Fields.read(block, BatchNorm.class, "epsilon", Float.class, path))
                    .optMomentum(Fields.read(block, BatchNorm.class, "momentum", Float.class, path))
                    .optCenter(Fields.read(block, BatchNorm.class, "center", Boolean.class, path))
                    .optScale(Fields.read(block, BatchNorm.class, "scale", Boolean.class, path))
                    .build();
        }
        if (type == LayerNorm.class) {
            return LayerNorm.builder()
                    .axis(Fields.read(block, LayerNorm.class, "axis", int[].class, path).clone())
                    .optEpsilon(Fields.read(block, LayerNorm.class, "epsilon", Float.class, path))
                    .optCenter(Fields.read(block, LayerNorm.class, "center", Boolean.class, path))
                    .optScale(Fields.read(block, LayerNorm.class, "scale", Boolean.class, path))
                    .build();
        }
        if (type == Dropout.class) {
            return Dropout.builder()
                    .optRate(Fields.read(block, Dropout.class, "rate", Float.class, path))
                    .build();
        }
        throw new CompactionException(
                path,
                "cannot rebuild block "
                        + Compaction.display(path)
                        + " ("
                        + type.getName()
                        + "): compaction knows SequentialBlock, ParallelBlock, LambdaBlock,"
                        + " Linear, Conv1d, Conv2d, Conv3d, BatchNorm, LayerNorm and Dropout"
                        + " (exact classes)");
    }

    private static LayerWidth width(Block block, String path, LayerWidths widths) {
        LayerWidth w =
                widths.of(path)
                        .orElseThrow(
                                () ->
                                        new CompactionException(
                                                path,
                                                "no width recorded for block "
                                                        + Compaction.display(path)
                                                        + " ("
                                                        + block.getClass().getName()
                                                        + ")"));
        if (!w.kind().equals(block.getClass().getSimpleName())) {
            throw new CompactionException(
                    path,
                    "block "
                            + Compaction.display(path)
                            + " is a "
                            + block.getClass().getName()
                            + " but its recorded width is for a "
                            + w.kind());
        }
        return w;
    }

    private static Block convolution(Convolution old, LayerWidth w) {
        int filters = Math.toIntExact(w.width());
        if (old instanceof Conv1d) {
            return Conv1d.builder()
                    .setKernelShape(old.getKernelShape())
                    .optStride(old.getStride())
                    .optPadding(old.getPadding())
                    .optDilation(old.getDilation())
                    .setFilters(filters)
                    .optGroups(w.groups())
                    .optBias(old.isIncludeBias())
                    .build();
        }
        if (old instanceof Conv2d) {
            return Conv2d.builder()
                    .setKernelShape(old.getKernelShape())
                    .optStride(old.getStride())
                    .optPadding(old.getPadding())
                    .optDilation(old.getDilation())
                    .setFilters(filters)
                    .optGroups(w.groups())
                    .optBias(old.isIncludeBias())
                    .build();
        }
        return Conv3d.builder()
                .setKernelShape(old.getKernelShape())
                .optStride(old.getStride())
                .optPadding(old.getPadding())
                .optDilation(old.getDilation())
                .setFilters(filters)
                .optGroups(w.groups())
                .optBias(old.isIncludeBias())
                .build();
    }
}
