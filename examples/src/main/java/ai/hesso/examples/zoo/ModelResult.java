package ai.hesso.examples.zoo;

import java.util.List;
import java.util.Objects;

/**
 * What the sweep found for one model: one result per stage, in stage order.
 *
 * @param model the model's name in the sweep
 * @param stages one result per {@link ZooStage}, in order
 * @param seconds the wall time the model took, all stages together
 */
public record ModelResult(String model, List<StageResult> stages, double seconds) {

    /**
     * Validates and copies.
     *
     * @param model the model's name
     * @param stages the stage results
     * @param seconds the wall time
     */
    public ModelResult {
        Objects.requireNonNull(model, "model");
        stages = List.copyOf(stages);
    }

    /**
     * Whether some stage failed.
     *
     * @return true if a stage's outcome is {@link Outcome#FAILED}
     */
    public boolean failed() {
        return stages.stream().anyMatch(s -> s.outcome() == Outcome.FAILED);
    }
}
