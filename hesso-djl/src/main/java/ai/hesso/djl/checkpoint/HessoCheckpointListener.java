package ai.hesso.djl.checkpoint;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.hesso.djl.HessoOptimizer;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves the model and the HESSO state at the end of every n-th epoch and when training ends, with
 * the naming of DJL's {@code SaveModelTrainingListener} ({@code <name>-<epoch>.params} beside
 * {@code <name>-<epoch>.hesso}, see {@link HessoCheckpoints}); use it instead of DJL's listener, as
 * it writes the model file too, atomically. After {@link HessoCheckpoints#resume} it continues the
 * epoch numbers of the saved run.
 *
 * <pre>{@code
 * config.addTrainingListeners(hesso.trainingListener(),
 *         HessoCheckpointListener.builder().setOptimizer(hesso).setOutputDirectory(dir).build());
 * }</pre>
 *
 * <p>A checkpoint that cannot be written is logged at ERROR and training goes on; the previous
 * checkpoint is untouched.
 */
public final class HessoCheckpointListener extends TrainingListenerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(HessoCheckpointListener.class);

    private final HessoOptimizer optimizer;
    private final Path directory;
    private final int every;
    private int epoch;
    private int savedEpoch;

    private HessoCheckpointListener(Builder builder) {
        this.optimizer = builder.optimizer;
        this.directory = builder.directory;
        this.every = builder.every;
    }

    /**
     * Starts a builder. Required: {@link Builder#setOptimizer}, {@link Builder#setOutputDirectory};
     * optional: {@link Builder#optEvery} (default every epoch).
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingBegin(Trainer trainer) {
        epoch = optimizer.resumedEpoch();
        savedEpoch = epoch;
    }

    /** {@inheritDoc} */
    @Override
    public void onEpoch(Trainer trainer) {
        epoch++;
        if (epoch % every == 0) {
            save(trainer);
        }
    }

    /** {@inheritDoc} */
    @Override
    public void onTrainingEnd(Trainer trainer) {
        if (epoch > savedEpoch) {
            save(trainer);
        }
    }

    private void save(Trainer trainer) {
        try {
            HessoCheckpoints.save(trainer.getModel(), optimizer, directory, epoch);
            savedEpoch = epoch;
        } catch (IOException | RuntimeException e) {
            logger.error(
                    "HESSO: cannot save the checkpoint of epoch {} in {}", epoch, directory, e);
        }
    }

    /** Builds a {@link HessoCheckpointListener}. */
    public static final class Builder {

        private HessoOptimizer optimizer;
        private Path directory;
        private int every = 1;

        private Builder() {}

        /**
         * Sets the optimizer whose state to save.
         *
         * @param optimizer the HESSO optimizer of the trainer
         * @return this builder
         */
        public Builder setOptimizer(HessoOptimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        /**
         * Sets the checkpoint directory, created if missing.
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder setOutputDirectory(Path directory) {
            this.directory = directory;
            return this;
        }

        /**
         * Saves every n-th epoch (and always at the end of training).
         *
         * @param epochs at least 1, default 1
         * @return this builder
         */
        public Builder optEvery(int epochs) {
            this.every = epochs;
            return this;
        }

        /**
         * Validates and builds the listener.
         *
         * @return the listener
         * @throws IllegalArgumentException naming the missing or bad setting
         */
        public HessoCheckpointListener build() {
            if (optimizer == null) {
                throw new IllegalArgumentException(
                        "optimizer is required: call setOptimizer(hesso) with the trainer's"
                                + " HESSO optimizer");
            }
            if (directory == null) {
                throw new IllegalArgumentException(
                        "output directory is required: call setOutputDirectory(dir)");
            }
            if (every < 1) {
                throw new IllegalArgumentException("every must be >= 1 epoch, got " + every);
            }
            return new HessoCheckpointListener(this);
        }
    }
}
