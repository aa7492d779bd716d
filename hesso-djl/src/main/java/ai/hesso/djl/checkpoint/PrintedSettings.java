package ai.hesso.djl.checkpoint;

import ai.hesso.core.GroupSparsityBounds;
import ai.hesso.core.SettingsFingerprint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the settings of checkpoints written before settings were named values: those stored {@code
 * HessoSettings.toString()} and {@code VariantSettings.toString()} as text, e.g. {@code
 * HessoSettings[targetGroupSparsity=0.5, schedule=PruningSchedule[startPruningStep=0, ...],
 * groupDivisible=1, saliency={taylor_first_order=0.2, ...}, cric=null]}. The text is turned into
 * the {@link SettingsFingerprint} the same settings give today, so such a run resumes under the
 * settings it was written with and any difference is named setting by setting.
 *
 * <p>The printed forms are frozen here as they were when the format changed; text that does not
 * follow them is refused with what could not be read.
 */
final class PrintedSettings {

    private PrintedSettings() {}

    /**
     * Converts printed settings to named values.
     *
     * @param pruning the printed pruning settings
     * @param variant the printed update variant
     * @param rescaleGrad DJL's gradient rescaling
     * @param clipGrad DJL's gradient clipping
     * @return the fingerprint these settings have today
     * @throws IllegalArgumentException naming the text that could not be read
     */
    static SettingsFingerprint fingerprint(
            String pruning, String variant, float rescaleGrad, float clipGrad) {
        SettingsFingerprint.Builder b = SettingsFingerprint.builder();
        Map<String, String> p = fields(pruning, "HessoSettings");
        String macs = p.remove("targetMacs");
        String sparsity = p.remove("targetGroupSparsity");
        // with a MAC budget the sparsity target was not printed: it was 0
        b.add("target.groupSparsity", sparsity != null ? sparsity : "0.0");
        if (macs != null) {
            b.add("target.macs", macs);
        }
        String schedule = p.remove("schedule");
        if (!"null".equals(schedule)) {
            nested(b, "schedule.", required(schedule, "schedule", pruning), "PruningSchedule");
        }
        b.add("groupDivisible", required(p.remove("groupDivisible"), "groupDivisible", pruning));
        // printed from the version that added it on; older text does not name it (GLOBAL)
        String allocation = p.remove("allocation");
        if (allocation != null) {
            b.add("allocation", allocation);
        }
        // likewise the group bounds: older text does not name them (none: floor 0, cap 1)
        String printedBounds = p.remove("groupSparsityBounds");
        if (printedBounds != null) {
            GroupSparsityBounds bounds = bounds(printedBounds, pruning);
            b.add("groupSparsity.floor", bounds.floor());
            b.add("groupSparsity.cap", bounds.cap());
        }
        String saliency = required(p.remove("saliency"), "saliency", pruning);
        if (!saliency.startsWith("{") || !saliency.endsWith("}")) {
            throw unreadable("saliency", pruning);
        }
        pairs(saliency.substring(1, saliency.length() - 1), pruning)
                .forEach((key, value) -> b.add("saliency." + key, value));
        String cric = required(p.remove("cric"), "cric", pruning);
        if (!"null".equals(cric)) {
            nested(b, "cric.", cric, "CricSettings");
        }
        if (!p.isEmpty()) {
            throw unreadable(String.join(", ", p.keySet()), pruning);
        }
        Map<String, String> v = fields(variant, "VariantSettings");
        b.add("variant.kind", required(v.remove("variant"), "variant", variant));
        v.forEach((key, value) -> b.add("variant." + key, value));
        return b.add("djl.rescaleGrad", rescaleGrad).add("djl.clipGrad", clipGrad).build();
    }

    private static void nested(
            SettingsFingerprint.Builder b, String prefix, String text, String type) {
        fields(text, type).forEach((key, value) -> b.add(prefix + key, value));
    }

    /** Reads {@code Type[k=v, k=v]} into its fields, in order. */
    private static Map<String, String> fields(String text, String type) {
        if (text == null || !text.startsWith(type + "[") || !text.endsWith("]")) {
            throw new IllegalArgumentException(
                    "its settings are recorded as text that is not a printed "
                            + type
                            + ": "
                            + text);
        }
        return pairs(text.substring(type.length() + 1, text.length() - 1), text);
    }

    /** Splits {@code k=v, k=v} at the commas outside brackets. */
    private static Map<String, String> pairs(String body, String whole) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : topLevel(body)) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw unreadable(part, whole);
            }
            out.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return out;
    }

    private static List<String> topLevel(String body) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(body.substring(start, i).trim());
                start = i + 1;
            }
        }
        if (!body.isBlank()) {
            parts.add(body.substring(start).trim());
        }
        return parts;
    }

    private static String required(String value, String field, String whole) {
        if (value == null) {
            throw unreadable(field + " (missing)", whole);
        }
        return value;
    }

    private static IllegalArgumentException unreadable(String what, String whole) {
        return new IllegalArgumentException(
                "its settings are recorded as text this version cannot read ("
                        + what
                        + "): "
                        + whole);
    }

    /** Reads {@code GroupSparsityBounds[floor=0.25, cap=0.75]}, the record's printed form. */
    private static GroupSparsityBounds bounds(String printed, String pruning) {
        String prefix = "GroupSparsityBounds[floor=";
        int cap = printed.indexOf(", cap=");
        if (!printed.startsWith(prefix) || cap < 0 || !printed.endsWith("]")) {
            throw unreadable("groupSparsityBounds", pruning);
        }
        try {
            return new GroupSparsityBounds(
                    Double.parseDouble(printed.substring(prefix.length(), cap)),
                    Double.parseDouble(printed.substring(cap + 6, printed.length() - 1)));
        } catch (IllegalArgumentException e) {
            throw unreadable("groupSparsityBounds", pruning);
        }
    }
}
