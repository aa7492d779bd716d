package ai.hesso.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The settings a saved run must be continued with, as named values: {@code "schedule.pruningSteps"
 * -> "300"}, {@code "variant.beta1" -> "0.9"}. A checkpoint stores one and a resuming optimizer
 * compares its own against it, setting by setting.
 *
 * <p>Why named values and not a printed form: a printed form changes whenever a setting is added,
 * so every saved run would stop resuming. Here a setting that one side does not name is compared by
 * the value its absence means ({@link #ABSENT_MEANS}): when a setting is added, its key goes there
 * with the value that older runs implied, and their checkpoints keep resuming as long as the new
 * setting is left at that value.
 *
 * <p>Values are strings written by {@link Double#toString(double)} or {@link
 * String#valueOf(Object)}, so that equal settings give equal strings and a difference names both.
 *
 * @param entries the setting names and values, in name order
 */
public record SettingsFingerprint(SortedMap<String, String> entries) {

    /**
     * What a setting means when a fingerprint does not name it: the value runs written before the
     * setting existed implied. Add a key here whenever a new setting enters a fingerprint.
     */
    public static final Map<String, String> ABSENT_MEANS =
            Map.of(
                    "allocation",
                    "GLOBAL",
                    "groupSparsity.floor",
                    "0.0",
                    "groupSparsity.cap",
                    "1.0");

    /**
     * Copies and validates.
     *
     * @param entries not null, no null key or value
     */
    public SettingsFingerprint {
        Objects.requireNonNull(entries, "entries");
        TreeMap<String, String> copy = new TreeMap<>();
        entries.forEach(
                (key, value) ->
                        copy.put(
                                Objects.requireNonNull(key, "key"),
                                Objects.requireNonNull(value, () -> "value of " + key)));
        entries = Collections.unmodifiableSortedMap(copy);
    }

    /**
     * Starts a fingerprint.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Lists how another fingerprint differs from this one, using {@link #ABSENT_MEANS} for settings
     * only one side names.
     *
     * @param current the settings of the optimizer that would continue the run
     * @return one line per differing setting, saved value first; empty when they agree
     */
    public List<String> differences(SettingsFingerprint current) {
        return differences(current, ABSENT_MEANS);
    }

    /**
     * Lists how another fingerprint differs from this one.
     *
     * @param current the settings of the optimizer that would continue the run
     * @param absentMeans for a setting only one side names, the value the other side's silence
     *     means; a setting missing from this map differs whenever one side does not name it
     * @return one line per differing setting, saved value first; empty when they agree
     */
    public List<String> differences(SettingsFingerprint current, Map<String, String> absentMeans) {
        TreeSet<String> keys = new TreeSet<>(entries.keySet());
        keys.addAll(current.entries.keySet());
        List<String> lines = new ArrayList<>();
        for (String key : keys) {
            String saved = entries.getOrDefault(key, absentMeans.get(key));
            String now = current.entries.getOrDefault(key, absentMeans.get(key));
            if (!Objects.equals(saved, now)) {
                lines.add(key + ": saved " + describe(saved) + ", now " + describe(now));
            }
        }
        return lines;
    }

    private static String describe(String value) {
        return value == null ? "(not set)" : value;
    }

    /** Collects the named values of a {@link SettingsFingerprint}. */
    public static final class Builder {
        private final TreeMap<String, String> entries = new TreeMap<>();

        private Builder() {}

        /**
         * Adds a named number.
         *
         * @param key the setting's name, unique in the fingerprint
         * @param value its value
         * @return this builder
         */
        public Builder add(String key, double value) {
            return add(key, Double.toString(value));
        }

        /**
         * Adds a named integer.
         *
         * @param key the setting's name, unique in the fingerprint
         * @param value its value
         * @return this builder
         */
        public Builder add(String key, long value) {
            return add(key, Long.toString(value));
        }

        /**
         * Adds a named value.
         *
         * @param key the setting's name, unique in the fingerprint
         * @param value its value, not null
         * @return this builder
         * @throws IllegalArgumentException if the key was added before
         */
        public Builder add(String key, String value) {
            Objects.requireNonNull(value, () -> "value of " + key);
            if (entries.putIfAbsent(Objects.requireNonNull(key, "key"), value) != null) {
                throw new IllegalArgumentException("setting '" + key + "' added twice");
            }
            return this;
        }

        /**
         * Adds every entry of another fingerprint.
         *
         * @param other the fingerprint to include
         * @return this builder
         * @throws IllegalArgumentException if a key was added before
         */
        public Builder addAll(SettingsFingerprint other) {
            other.entries.forEach(this::add);
            return this;
        }

        /**
         * Builds.
         *
         * @return the fingerprint
         */
        public SettingsFingerprint build() {
            return new SettingsFingerprint(entries);
        }
    }
}
