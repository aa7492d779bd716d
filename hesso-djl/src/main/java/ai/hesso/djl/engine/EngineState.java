package ai.hesso.djl.engine;

import java.util.List;
import java.util.Objects;

/**
 * The state a {@link PlanExecutor} owns, copied to the host: every tensor slot's update direction
 * (momentum buffer or Adam's moments, and the number of updates that advanced them) and CRIC's
 * snapshot copies. The row masks are not part of it: they are rebuilt from the core's masks.
 *
 * @param directions one entry per slot that has taken an update (or a restored one)
 * @param snapshots one entry per slot CRIC has copied
 */
public record EngineState(List<Direction> directions, List<Snapshot> snapshots) {

    /**
     * Copies the lists.
     *
     * @param directions the directions, not null
     * @param snapshots the snapshots, not null
     */
    public EngineState {
        directions = List.copyOf(directions);
        snapshots = List.copyOf(snapshots);
    }

    /**
     * The update direction state of one slot.
     *
     * @param slot the parameter and device
     * @param updates the updates that advanced the state (Adam's bias correction {@code j})
     * @param first SGD's momentum buffer or Adam's first moment, or null before the first update
     *     (and for SGD without a momentum buffer)
     * @param second Adam's second moment, or null (SGD, or before the first update)
     */
    public record Direction(TensorSlot slot, int updates, SavedArray first, SavedArray second) {

        /**
         * Validates.
         *
         * @param slot not null
         * @param updates at least 0
         * @param first the first buffer, or null
         * @param second the second moment, or null
         */
        public Direction {
            Objects.requireNonNull(slot, "slot");
            if (updates < 0) {
                throw new IllegalArgumentException("updates must be >= 0, got " + updates);
            }
        }
    }

    /**
     * CRIC's copy of one slot.
     *
     * @param slot the parameter and device
     * @param values the copied values
     */
    public record Snapshot(TensorSlot slot, SavedArray values) {

        /**
         * Validates.
         *
         * @param slot not null
         * @param values not null
         */
        public Snapshot {
            Objects.requireNonNull(slot, "slot");
            Objects.requireNonNull(values, "values");
        }
    }
}
