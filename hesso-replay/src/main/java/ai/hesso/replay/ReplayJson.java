package ai.hesso.replay;

import ai.hesso.core.group.ChannelAxis;
import ai.hesso.core.group.GroupMember;
import ai.hesso.core.group.MemberShapes;
import ai.hesso.core.group.NodeGroup;
import ai.hesso.core.saliency.Criterion;
import ai.hesso.core.saliency.SaliencyMix;
import ai.hesso.core.variant.Variant;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@link ReplayInput} from JSON and writes a {@link ReplayResult} as JSON, in the format of
 * {@code docs/replay.md}.
 *
 * <p>Input: {@code {"optimizer": {...}, "tensors": [{"name", "shape", "values"}], "nodeGroups":
 * [{"name", "members": [{"tensor", "axis"}]}], "gradients": [{name: values}, ...]}}. Only {@code
 * optimizer.lr} and {@code optimizer.pruningSteps} are required in the optimizer section; the
 * others take the defaults listed in {@link ReplaySettings}. Variant names are case-insensitive.
 * When {@code saliencyWeights} is given, missing criteria weigh 0. Values may be flat or nested
 * row-major arrays. Unknown keys are ignored with a warning. Every error is an {@link
 * IllegalArgumentException} that names the field and what would be valid.
 *
 * <p>Output: {@code {"tensors": [{"name", "values"}], "pruned": {group: [channels]}}}, tensors in
 * input order with flat row-major values, every node group in input order with its pruned channels
 * ascending (an empty list for a group that is not prunable). Numbers are written with Java's
 * round-trip {@code double} format; a non-finite value is written as {@code NaN}, {@code Infinity}
 * or {@code -Infinity}.
 */
public final class ReplayJson {

    private static final Logger logger = LoggerFactory.getLogger(ReplayJson.class);
    private static final Gson GSON = new Gson();

    private static final Set<String> TOP_KEYS =
            Set.of("optimizer", "tensors", "nodeGroups", "gradients");
    private static final Set<String> OPTIMIZER_KEYS =
            Set.of(
                    "variant",
                    "lr",
                    "momentum",
                    "dampening",
                    "beta1",
                    "beta2",
                    "epsilon",
                    "weightDecay",
                    "targetGroupSparsity",
                    "startPruningStep",
                    "pruningSteps",
                    "pruningPeriods",
                    "groupDivisible",
                    "saliencyWeights");
    private static final String CRITERIA =
            "magnitude, avgMagnitude, cosine, taylorFirstOrder, taylorSecondOrder";

    private ReplayJson() {}

    /**
     * Reads and validates a replay input file.
     *
     * @param file the JSON file
     * @return the input
     * @throws IllegalArgumentException starting with the file name, naming the bad field
     * @throws UncheckedIOException when the file cannot be read
     */
    public static ReplayInput read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            String reason =
                    e instanceof NoSuchFileException ? "no such file or directory" : e.toString();
            throw new UncheckedIOException("cannot read " + file + ": " + reason, e);
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses and validates a replay input.
     *
     * @param json the JSON text
     * @return the input
     * @throws IllegalArgumentException naming the bad field and what would be valid
     */
    public static ReplayInput parse(String json) {
        JsonElement root = strictParse(json);
        JsonObject top = object(root, "the document");
        warnUnknown(top, TOP_KEYS, "");
        ReplaySettings settings = settings(object(required(top, "optimizer", ""), "optimizer"));
        List<ReplayTensor> tensors = new ArrayList<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        JsonArray tensorArray = array(required(top, "tensors", ""), "tensors");
        for (int i = 0; i < tensorArray.size(); i++) {
            ReplayTensor tensor = tensor(tensorArray.get(i), "tensors[" + i + "]");
            tensors.add(tensor);
            shapes.putIfAbsent(tensor.name(), tensor.shape());
        }
        List<NodeGroup> groups = new ArrayList<>();
        JsonElement groupsElement = top.get("nodeGroups");
        if (groupsElement != null && !groupsElement.isJsonNull()) {
            JsonArray groupArray = array(groupsElement, "nodeGroups");
            for (int i = 0; i < groupArray.size(); i++) {
                groups.add(nodeGroup(groupArray.get(i), "nodeGroups[" + i + "]", shapes));
            }
        }
        List<Map<String, double[]>> gradients = new ArrayList<>();
        JsonArray gradientArray = array(required(top, "gradients", ""), "gradients");
        for (int k = 0; k < gradientArray.size(); k++) {
            String path = "gradients[" + k + "]";
            JsonObject step = object(gradientArray.get(k), path);
            Map<String, double[]> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> entry : step.entrySet()) {
                map.put(entry.getKey(), numbers(entry.getValue(), path + "." + entry.getKey()));
            }
            gradients.add(map);
        }
        return new ReplayInput(settings, tensors, groups, gradients);
    }

    /**
     * Writes a result as JSON text.
     *
     * @param result the result
     * @return the JSON text, ending with a newline
     */
    public static String toJson(ReplayResult result) {
        StringBuilder out = new StringBuilder("{\n  \"tensors\": [");
        String separator = "\n";
        for (Map.Entry<String, double[]> entry : result.tensors().entrySet()) {
            out.append(separator).append("    {\"name\": ").append(GSON.toJson(entry.getKey()));
            out.append(", \"values\": [");
            double[] values = entry.getValue();
            for (int i = 0; i < values.length; i++) {
                out.append(i == 0 ? "" : ", ").append(number(values[i]));
            }
            out.append("]}");
            separator = ",\n";
        }
        out.append(result.tensors().isEmpty() ? "]" : "\n  ]").append(",\n  \"pruned\": {");
        separator = "\n";
        for (Map.Entry<String, int[]> entry : result.pruned().entrySet()) {
            out.append(separator).append("    ").append(GSON.toJson(entry.getKey())).append(": [");
            int[] channels = entry.getValue();
            for (int i = 0; i < channels.length; i++) {
                out.append(i == 0 ? "" : ", ").append(channels[i]);
            }
            out.append(']');
            separator = ",\n";
        }
        out.append(result.pruned().isEmpty() ? "}" : "\n  }").append("\n}\n");
        return out.toString();
    }

    /**
     * Writes a result to a file, replacing it; the file is written only once the whole text is
     * ready.
     *
     * @param result the result
     * @param file the output file
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void write(ReplayResult result, Path file) {
        String text = toJson(result);
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        // a zeroed row of negative values holds -0.0; print the zero the algorithm means
        return value == 0.0 ? "0.0" : Double.toString(value);
    }

    private static JsonElement strictParse(String json) {
        try (JsonReader reader = new JsonReader(new StringReader(json))) {
            JsonElement root = GSON.getAdapter(JsonElement.class).read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new IllegalArgumentException(
                        "not valid JSON: unexpected content after the top-level object at "
                                + reader.getPath());
            }
            return root;
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
    }

    private static ReplaySettings settings(JsonObject o) {
        warnUnknown(o, OPTIMIZER_KEYS, "optimizer.");
        String path = "optimizer.";
        Variant variant = Variant.SGD;
        JsonElement v = o.get("variant");
        if (v != null && !v.isJsonNull()) {
            String name = string(v, path + "variant");
            try {
                variant = Variant.valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        path
                                + "variant must be one of sgd, adam, adamw (any case), got \""
                                + name
                                + "\"");
            }
        }
        double lr = number(required(o, "lr", path), path + "lr");
        if (o.get("pruningSteps") == null || o.get("pruningSteps").isJsonNull()) {
            throw new IllegalArgumentException(
                    "optimizer.pruningSteps is required: the number of steps over which all"
                            + " pruning periods run, an integer >= pruningPeriods");
        }
        try {
            return new ReplaySettings(
                    variant,
                    lr,
                    optionalNumber(o, "momentum", 0),
                    optionalNumber(o, "dampening", 0),
                    optionalNumber(o, "beta1", 0.9),
                    optionalNumber(o, "beta2", 0.999),
                    optionalNumber(o, "epsilon", 1e-8),
                    optionalNumber(o, "weightDecay", 0),
                    optionalNumber(o, "targetGroupSparsity", 0.5),
                    optionalInt(o, "startPruningStep", 0),
                    optionalInt(o, "pruningSteps", 0),
                    optionalInt(o, "pruningPeriods", 1),
                    optionalInt(o, "groupDivisible", 1),
                    saliency(o.get("saliencyWeights")));
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new IllegalArgumentException(
                    message.startsWith(path) ? message : path + message, e);
        }
    }

    private static SaliencyMix saliency(JsonElement element) {
        if (element == null || element.isJsonNull()) {
            return SaliencyMix.defaults();
        }
        String path = "optimizer.saliencyWeights";
        JsonObject o = object(element, path);
        Map<Criterion, Double> weights = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> entry : o.entrySet()) {
            Criterion criterion;
            try {
                criterion = Criterion.ofKey(entry.getKey());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        path + ": unknown criterion '" + entry.getKey() + "'; valid: " + CRITERIA,
                        e);
            }
            weights.put(criterion, number(entry.getValue(), path + "." + entry.getKey()));
        }
        try {
            return SaliencyMix.of(weights);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    private static ReplayTensor tensor(JsonElement element, String path) {
        JsonObject o = object(element, path);
        warnUnknown(o, Set.of("name", "shape", "values"), path + ".");
        String name = string(required(o, "name", path + "."), path + ".name");
        JsonArray shapeArray = array(required(o, "shape", path + "."), path + ".shape");
        int[] shape = new int[shapeArray.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = integer(shapeArray.get(i), path + ".shape[" + i + "]");
        }
        double[] values = numbers(required(o, "values", path + "."), path + ".values");
        try {
            return new ReplayTensor(name, shape, values);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    private static NodeGroup nodeGroup(
            JsonElement element, String path, Map<String, int[]> shapes) {
        JsonObject o = object(element, path);
        warnUnknown(o, Set.of("name", "members"), path + ".");
        String name = string(required(o, "name", path + "."), path + ".name");
        JsonArray memberArray = array(required(o, "members", path + "."), path + ".members");
        if (memberArray.isEmpty()) {
            throw new IllegalArgumentException(
                    path + ".members: node group '" + name + "' needs at least one member");
        }
        List<GroupMember> members = new ArrayList<>();
        List<int[]> memberShapes = new ArrayList<>();
        for (int i = 0; i < memberArray.size(); i++) {
            String memberPath = path + ".members[" + i + "]";
            JsonObject m = object(memberArray.get(i), memberPath);
            warnUnknown(m, Set.of("tensor", "axis"), memberPath + ".");
            String tensor = string(required(m, "tensor", memberPath + "."), memberPath + ".tensor");
            JsonElement axisElement = m.get("axis");
            int axisIndex =
                    axisElement == null || axisElement.isJsonNull()
                            ? 0
                            : integer(axisElement, memberPath + ".axis");
            ChannelAxis axis;
            try {
                axis = ChannelAxis.of(axisIndex);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(memberPath + ".axis: " + e.getMessage(), e);
            }
            int[] shape = shapes.get(tensor);
            if (shape == null) {
                throw new IllegalArgumentException(
                        memberPath
                                + ".tensor: '"
                                + tensor
                                + "' is not among the tensors "
                                + shapes.keySet());
            }
            members.add(new GroupMember(tensor, axis));
            memberShapes.add(shape);
        }
        int channels;
        try {
            // the group has as many channels as its first member has on its channel axis
            channels = MemberShapes.channels(members.get(0), memberShapes.get(0));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ".members[0]: " + e.getMessage(), e);
        }
        NodeGroup group;
        try {
            group = NodeGroup.prunable(name, channels, members);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
        for (int i = 1; i < members.size(); i++) {
            try {
                MemberShapes.check(group, members.get(i), memberShapes.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        path + ".members[" + i + "]: " + e.getMessage(), e);
            }
        }
        return group;
    }

    private static void warnUnknown(JsonObject o, Set<String> known, String prefix) {
        for (String key : o.keySet()) {
            if (!known.contains(key)) {
                logger.warn(
                        "ignoring unknown key '{}{}'; known keys there: {}",
                        prefix,
                        key,
                        known.stream().sorted().toList());
            }
        }
    }

    private static JsonElement required(JsonObject o, String key, String prefix) {
        JsonElement element = o.get(key);
        if (element == null || element.isJsonNull()) {
            throw new IllegalArgumentException(prefix + key + " is required");
        }
        return element;
    }

    private static int optionalInt(JsonObject o, String key, int fallback) {
        JsonElement element = o.get(key);
        return element == null || element.isJsonNull()
                ? fallback
                : integer(element, "optimizer." + key);
    }

    private static double optionalNumber(JsonObject o, String key, double fallback) {
        JsonElement element = o.get(key);
        return element == null || element.isJsonNull()
                ? fallback
                : number(element, "optimizer." + key);
    }

    private static JsonObject object(JsonElement element, String path) {
        if (!element.isJsonObject()) {
            throw new IllegalArgumentException(
                    path + " must be a JSON object, got " + describe(element));
        }
        return element.getAsJsonObject();
    }

    private static JsonArray array(JsonElement element, String path) {
        if (!element.isJsonArray()) {
            throw new IllegalArgumentException(
                    path + " must be a JSON array, got " + describe(element));
        }
        return element.getAsJsonArray();
    }

    private static String string(JsonElement element, String path) {
        if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException(
                    path + " must be a string, got " + describe(element));
        }
        return element.getAsString();
    }

    private static double number(JsonElement element, String path) {
        if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException(
                    path + " must be a number, got " + describe(element));
        }
        double value = element.getAsDouble();
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(path + " must be finite, got " + element);
        }
        return value;
    }

    private static int integer(JsonElement element, String path) {
        double value = number(element, path);
        if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    path + " must be an integer, got " + describe(element));
        }
        return (int) value;
    }

    /** Reads a flat or nested array of numbers in row-major order. */
    private static double[] numbers(JsonElement element, String path) {
        List<Double> out = new ArrayList<>();
        flatten(element, path, out);
        double[] values = new double[out.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = out.get(i);
        }
        return values;
    }

    private static void flatten(JsonElement element, String path, List<Double> out) {
        JsonArray a = array(element, path);
        for (int i = 0; i < a.size(); i++) {
            JsonElement item = a.get(i);
            if (item.isJsonArray()) {
                flatten(item, path + "[" + i + "]", out);
            } else {
                out.add(number(item, path + "[" + i + "]"));
            }
        }
    }

    private static String describe(JsonElement element) {
        if (element.isJsonNull()) {
            return "null";
        }
        if (element.isJsonObject()) {
            return "an object";
        }
        if (element.isJsonArray()) {
            return "an array";
        }
        JsonPrimitive p = element.getAsJsonPrimitive();
        String text = p.isString() ? GSON.toJson(p.getAsString()) : p.toString();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
