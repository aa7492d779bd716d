package ai.hesso.djl.checkpoint;

import java.util.List;
import java.util.Map;

/**
 * The JSON part of a checkpoint, field for field as {@code docs/checkpoint.md} documents it. Plain
 * fields for Gson; {@link CheckpointCodec} maps them to and from the core's and the engine's types,
 * so renaming a field there cannot change the file format unnoticed.
 */
final class CheckpointJson {

    int formatVersion;
    int epoch;
    SettingsJson settings;
    List<GroupJson> nodeGroups;
    DriverJson driver;
    NonFiniteJson nonFinite;
    ModelFileJson modelParameters;
    List<DirectionJson> directions;
    List<SnapshotJson> snapshots;
    List<TensorJson> tensors;

    /** The settings the run was made with, as the optimizer prints them. */
    static final class SettingsJson {
        /** The settings as named values (written since settings stopped being printed text). */
        Map<String, String> values;

        // Written before named values: the printed settings, read by PrintedSettings.
        String pruning;
        String variant;
        float rescaleGrad;
        float clipGrad;
    }

    /** One node group. */
    static final class GroupJson {
        String name;
        int channels;
        boolean prunable;
        String reason;
        List<MemberJson> members;
    }

    /** One member tensor of a node group. */
    static final class MemberJson {
        String tensor;
        String axis;

        /**
         * Indices of the axis per channel; absent (null) in files written before it was saved,
         * which read as 1, the only value those files' writers could have meant for a member they
         * did not know to be a run of rows (an attention head's group then no longer fits the
         * model, and resume says so, naming rowsPerChannel).
         */
        Integer rowsPerChannel;
    }

    /** The core's {@code DriverState}. */
    static final class DriverJson {
        int step;
        List<String> channels;
        long masksVersion;
        int adjustedTarget;
        StatisticsJson lastStatistics;
        PeriodicJson periodic;
        CricJson cric;
    }

    /** The channel statistics of the last scoring step. */
    static final class StatisticsJson {
        double[] valueSquares;
        double[] directionSquares;
        double[] valueDirectionDot;
        double[] rowLengths;
    }

    /** HESSO's periodic progress. */
    static final class PeriodicJson {
        String phase;
        int periodsStarted;
    }

    /** CRIC's progress. */
    static final class CricJson {
        String phase;
        double referenceLoss;
        double[] probeScores;
        double[] lossRatioSums;
        int[] lossRatioCounts;
        double[] scoreSums;
        int scoreSamples;
        boolean[] historical;
        boolean[] trial;
        int cycle;
        int cycleStartStep;
        boolean cyclesDone;
        int hybridStartStep;
    }

    /** The non-finite step counts. */
    static final class NonFiniteJson {
        int skippedSteps;
        int consecutiveSkips;
    }

    /** The model parameter file saved with the checkpoint. */
    static final class ModelFileJson {
        String file;
        String sha256;
    }

    /** One tensor slot's update direction state. */
    static final class DirectionJson {
        String parameter;
        String deviceType;
        int deviceId;
        int updates;
        Integer first;
        Integer second;
    }

    /** One tensor slot's CRIC snapshot. */
    static final class SnapshotJson {
        String parameter;
        String deviceType;
        int deviceId;
        int tensor;
    }

    /** One stored tensor: its shape and type; the bytes follow the JSON. */
    static final class TensorJson {
        long[] shape;
        String dataType;
    }
}
