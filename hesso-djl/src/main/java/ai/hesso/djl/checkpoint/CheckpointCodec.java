package ai.hesso.djl.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.hesso.core.ChannelState;
import ai.hesso.core.DriverState;
import ai.hesso.core.Phase;
import ai.hesso.core.SettingsFingerprint;
import ai.hesso.core.group.ChannelAxis;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.identification.CricProgress;
import ai.hesso.core.identification.IdentificationProgress;
import ai.hesso.core.identification.IdentificationState;
import ai.hesso.core.identification.PeriodicProgress;
import ai.hesso.core.saliency.ChannelStatistics;
import ai.hesso.djl.engine.EngineState;
import ai.hesso.djl.engine.SavedArray;
import ai.hesso.djl.engine.TensorSlot;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Maps a {@link HessoCheckpoint} to the file's JSON document and tensors, and back. */
final class CheckpointCodec {

    // doubles are written with Double.toString, which reads back to the same bits
    private static final Gson GSON =
            new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting().create();

    private CheckpointCodec() {}

    static CheckpointFile.Contents encode(HessoCheckpoint checkpoint) {
        CheckpointJson json = new CheckpointJson();
        json.formatVersion = HessoCheckpoint.FORMAT_VERSION;
        json.epoch = checkpoint.epoch();
        json.settings = settings(checkpoint.settings());
        json.nodeGroups = checkpoint.nodeGroups().stream().map(CheckpointCodec::group).toList();
        json.driver = driver(checkpoint.driver());
        json.nonFinite = new CheckpointJson.NonFiniteJson();
        json.nonFinite.skippedSteps = checkpoint.skippedSteps();
        json.nonFinite.consecutiveSkips = checkpoint.consecutiveSkips();
        if (checkpoint.modelParameters() != null) {
            json.modelParameters = new CheckpointJson.ModelFileJson();
            json.modelParameters.file = checkpoint.modelParameters().file();
            json.modelParameters.sha256 = checkpoint.modelParameters().sha256();
        }
        List<byte[]> tensors = new ArrayList<>();
        json.tensors = new ArrayList<>();
        json.directions = new ArrayList<>();
        for (EngineState.Direction direction : checkpoint.engine().directions()) {
            CheckpointJson.DirectionJson d = new CheckpointJson.DirectionJson();
            d.parameter = direction.slot().parameter();
            d.deviceType = direction.slot().device().getDeviceType();
            d.deviceId = direction.slot().device().getDeviceId();
            d.updates = direction.updates();
            d.first = add(direction.first(), json, tensors);
            d.second = add(direction.second(), json, tensors);
            json.directions.add(d);
        }
        json.snapshots = new ArrayList<>();
        for (EngineState.Snapshot snapshot : checkpoint.engine().snapshots()) {
            CheckpointJson.SnapshotJson s = new CheckpointJson.SnapshotJson();
            s.parameter = snapshot.slot().parameter();
            s.deviceType = snapshot.slot().device().getDeviceType();
            s.deviceId = snapshot.slot().device().getDeviceId();
            s.tensor = add(snapshot.values(), json, tensors);
            json.snapshots.add(s);
        }
        return new CheckpointFile.Contents(
                HessoCheckpoint.FORMAT_VERSION, GSON.toJson(json), tensors);
    }

    static HessoCheckpoint decode(CheckpointFile.Contents contents, Path file) throws IOException {
        CheckpointJson json;
        try {
            json = GSON.fromJson(contents.json(), CheckpointJson.class);
            return checkpoint(json, contents.tensors(), file);
        } catch (JsonParseException | IllegalArgumentException | NullPointerException e) {
            throw new IOException(
                    "checkpoint " + file + " has a malformed JSON document: " + e.getMessage(), e);
        }
    }

    private static HessoCheckpoint checkpoint(
            CheckpointJson json, List<byte[]> tensors, Path file) {
        if (json.formatVersion != HessoCheckpoint.FORMAT_VERSION) {
            throw new IllegalArgumentException(
                    "its JSON says format version "
                            + json.formatVersion
                            + ", the header "
                            + HessoCheckpoint.FORMAT_VERSION);
        }
        List<SavedArray> arrays = new ArrayList<>();
        for (int i = 0; i < json.tensors.size(); i++) {
            CheckpointJson.TensorJson t = json.tensors.get(i);
            arrays.add(
                    new SavedArray(
                            new Shape(t.shape), DataType.valueOf(t.dataType), tensors.get(i)));
        }
        List<EngineState.Direction> directions = new ArrayList<>();
        for (CheckpointJson.DirectionJson d : json.directions) {
            directions.add(
                    new EngineState.Direction(
                            new TensorSlot(d.parameter, Device.of(d.deviceType, d.deviceId)),
                            d.updates,
                            d.first == null ? null : arrays.get(d.first),
                            d.second == null ? null : arrays.get(d.second)));
        }
        List<EngineState.Snapshot> snapshots = new ArrayList<>();
        for (CheckpointJson.SnapshotJson s : json.snapshots) {
            snapshots.add(
                    new EngineState.Snapshot(
                            new TensorSlot(s.parameter, Device.of(s.deviceType, s.deviceId)),
                            arrays.get(s.tensor)));
        }
        HessoCheckpoint.ModelFile model =
                json.modelParameters == null
                        ? null
                        : new HessoCheckpoint.ModelFile(
                                json.modelParameters.file, json.modelParameters.sha256);
        return new HessoCheckpoint(
                json.epoch,
                settings(json.settings),
                json.nodeGroups.stream().map(CheckpointCodec::group).toList(),
                driver(json.driver),
                json.nonFinite.skippedSteps,
                json.nonFinite.consecutiveSkips,
                new EngineState(directions, snapshots),
                model,
                file);
    }

    private static Integer add(SavedArray array, CheckpointJson json, List<byte[]> tensors) {
        if (array == null) {
            return null;
        }
        CheckpointJson.TensorJson t = new CheckpointJson.TensorJson();
        t.shape = array.shape().getShape();
        t.dataType = array.dataType().name();
        json.tensors.add(t);
        tensors.add(array.encoded());
        return tensors.size() - 1;
    }

    private static CheckpointJson.SettingsJson settings(SettingsFingerprint settings) {
        CheckpointJson.SettingsJson json = new CheckpointJson.SettingsJson();
        json.values = settings.entries();
        return json;
    }

    private static SettingsFingerprint settings(CheckpointJson.SettingsJson json) {
        if (json == null) {
            throw new IllegalArgumentException("it has no settings");
        }
        if (json.values != null) {
            return new SettingsFingerprint(new TreeMap<>(json.values));
        }
        return PrintedSettings.fingerprint(
                json.pruning, json.variant, json.rescaleGrad, json.clipGrad);
    }

    private static CheckpointJson.GroupJson group(NodeGroup group) {
        CheckpointJson.GroupJson json = new CheckpointJson.GroupJson();
        json.name = group.name();
        json.channels = group.channels();
        json.prunable = group.prunable();
        json.reason = group.reason();
        json.members = new ArrayList<>();
        for (GroupMember member : group.members()) {
            CheckpointJson.MemberJson m = new CheckpointJson.MemberJson();
            m.tensor = member.tensor();
            m.axis = member.axis().name();
            m.rowsPerChannel = member.rowsPerChannel();
            json.members.add(m);
        }
        return json;
    }

    private static NodeGroup group(CheckpointJson.GroupJson json) {
        List<GroupMember> members =
                json.members.stream()
                        .map(
                                m ->
                                        new GroupMember(
                                                m.tensor,
                                                ChannelAxis.valueOf(m.axis),
                                                m.rowsPerChannel == null ? 1 : m.rowsPerChannel))
                        .toList();
        return new NodeGroup(json.name, json.channels, members, json.prunable, json.reason);
    }

    private static CheckpointJson.DriverJson driver(DriverState state) {
        IdentificationState id = state.identification();
        CheckpointJson.DriverJson json = new CheckpointJson.DriverJson();
        json.step = state.step();
        json.channels = id.channels().stream().map(Enum::name).toList();
        json.masksVersion = id.masksVersion();
        json.adjustedTarget = id.adjustedTarget();
        ChannelStatistics statistics = id.lastStatistics();
        if (statistics != null) {
            json.lastStatistics = new CheckpointJson.StatisticsJson();
            json.lastStatistics.valueSquares = statistics.valueSquares();
            json.lastStatistics.directionSquares = statistics.directionSquares();
            json.lastStatistics.valueDirectionDot = statistics.valueDirectionDot();
            json.lastStatistics.rowLengths = statistics.rowLengths();
        }
        if (id.progress() instanceof PeriodicProgress periodic) {
            json.periodic = new CheckpointJson.PeriodicJson();
            json.periodic.phase = periodic.phase().name();
            json.periodic.periodsStarted = periodic.periodsStarted();
        } else if (id.progress() instanceof CricProgress cric) {
            CheckpointJson.CricJson c = new CheckpointJson.CricJson();
            c.phase = cric.phase().name();
            c.referenceLoss = cric.referenceLoss();
            c.probeScores = cric.probeScores();
            c.lossRatioSums = cric.lossRatioSums();
            c.lossRatioCounts = cric.lossRatioCounts();
            c.scoreSums = cric.scoreSums();
            c.scoreSamples = cric.scoreSamples();
            c.historical = cric.historical();
            c.trial = cric.trial();
            c.cycle = cric.cycle();
            c.cycleStartStep = cric.cycleStartStep();
            c.cyclesDone = cric.cyclesDone();
            c.hybridStartStep = cric.hybridStartStep();
            json.cric = c;
        }
        return json;
    }

    private static DriverState driver(CheckpointJson.DriverJson json) {
        ChannelStatistics statistics = null;
        if (json.lastStatistics != null) {
            statistics =
                    new ChannelStatistics(
                            json.lastStatistics.valueSquares,
                            json.lastStatistics.directionSquares,
                            json.lastStatistics.valueDirectionDot,
                            json.lastStatistics.rowLengths);
        }
        IdentificationProgress progress;
        if (json.periodic != null) {
            progress =
                    new PeriodicProgress(
                            Phase.valueOf(json.periodic.phase), json.periodic.periodsStarted);
        } else if (json.cric != null) {
            CheckpointJson.CricJson c = json.cric;
            progress =
                    new CricProgress(
                            Phase.valueOf(c.phase),
                            c.referenceLoss,
                            c.probeScores,
                            c.lossRatioSums,
                            c.lossRatioCounts,
                            c.scoreSums,
                            c.scoreSamples,
                            c.historical,
                            c.trial,
                            c.cycle,
                            c.cycleStartStep,
                            c.cyclesDone,
                            c.hybridStartStep);
        } else {
            throw new IllegalArgumentException("the driver has neither periodic nor CRIC progress");
        }
        List<ChannelState> channels = json.channels.stream().map(ChannelState::valueOf).toList();
        return new DriverState(
                json.step,
                new IdentificationState(
                        channels, json.masksVersion, json.adjustedTarget, statistics, progress));
    }
}
