package ai.hesso.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;
import ai.hesso.core.Phase;
import ai.hesso.djl.checkpoint.HessoCheckpointListener;
import ai.hesso.djl.checkpoint.HessoCheckpoints;
import ai.hesso.fixtures.SyntheticData;
import ai.hesso.fixtures.TinyModels;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code EasyTrain} run {@link HessoResumeIT} stops and resumes: an MLP on seeded blobs, 10
 * steps per epoch, HESSO-Adam with CRIC, checkpointed at every epoch end by {@link
 * HessoCheckpointListener} and resumed with one call to {@link HessoCheckpoints#resume}.
 *
 * <p>As a program it is the resumed half of a run in a new process: arguments are the checkpoint
 * directory, the epoch to train until, the run's total epochs and the file the final parameters'
 * raw bytes are written to (see {@link #write}).
 */
public final class ResumeFit {

    private ResumeFit() {}

    /**
     * Resumes from the directory, trains and writes the parameters.
     *
     * @param args checkpoint directory, until epoch, total epochs, output file
     * @throws Exception if anything fails; the exit status is then non-zero
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException(
                    "usage: ResumeFit <checkpoint dir> <until epoch> <total epochs> <output>");
        }
        Map<String, byte[]> parameters =
                fit(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        write(parameters, Path.of(args[3]));
    }

    /**
     * Trains in {@code EasyTrain} up to {@code untilEpoch}, resuming from {@code checkpoints} first
     * when it holds a checkpoint, with the optimizer settings of a {@code totalEpochs} run.
     *
     * @param checkpoints the checkpoint directory, read and written
     * @param untilEpoch the epoch after which training stops
     * @param totalEpochs the epochs of the whole run, which fix the schedule
     * @return the raw bytes of every parameter at the end, by path
     * @throws Exception if training or checkpointing fails
     */
    static Map<String, byte[]> fit(Path checkpoints, int untilEpoch, int totalEpochs)
            throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                Model model = Model.newInstance("mlp")) {
            ArrayDataset data = SyntheticData.blobs(manager, 80, 6, 3, 41, 8);
            model.setBlock(TinyModels.mlp(6, 16, 3));
            HessoOptimizer hesso = optimizer(model, totalEpochs);
            int done = HessoCheckpoints.resume(model, hesso, checkpoints);
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optOptimizer(hesso)
                            .addTrainingListeners(
                                    hesso.trainingListener(),
                                    HessoCheckpointListener.builder()
                                            .setOptimizer(hesso)
                                            .setOutputDirectory(checkpoints)
                                            .build());
            Engine.getInstance().setRandomSeed(5);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(Scenario.INPUT);
                EasyTrain.fit(trainer, untilEpoch - done, data, null);
            }
            if (untilEpoch == totalEpochs) {
                assertEquals(Phase.PRUNED, hesso.metrics().phase());
                assertEquals(8, hesso.metrics().pruned());
                assertEquals(8, hesso.metrics().verifiedZero());
            }
            return Scenario.parameterBytes(model.getBlock());
        }
    }

    /**
     * The run's optimizer: Adam with CRIC, a fixed learning rate of 0.05.
     *
     * @param model the model whose block it prunes
     * @param totalEpochs the epochs of the whole run (10 steps each)
     * @return the optimizer
     */
    static HessoOptimizer optimizer(Model model, int totalEpochs) {
        return HessoBuilders.of(Scenario.adam())
                .setLearningRateTracker(Tracker.fixed(0.05f))
                .setBlock(model.getBlock())
                .optTotalSteps(10 * totalEpochs)
                .setPruning(Scenario.cric())
                .build();
    }

    /**
     * Writes parameters as a count, then each path and its bytes.
     *
     * @param parameters the raw bytes by path
     * @param file the file
     * @throws IOException if writing fails
     */
    static void write(Map<String, byte[]> parameters, Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(parameters.size());
            for (Map.Entry<String, byte[]> entry : parameters.entrySet()) {
                out.writeUTF(entry.getKey());
                out.writeInt(entry.getValue().length);
                out.write(entry.getValue());
            }
        }
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @param file the file
     * @return the raw bytes by path, in the written order
     * @throws IOException if reading fails
     */
    static Map<String, byte[]> read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            int count = in.readInt();
            Map<String, byte[]> parameters = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                parameters.put(name, bytes);
            }
            return parameters;
        }
    }
}
