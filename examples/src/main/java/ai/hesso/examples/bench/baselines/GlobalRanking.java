package ai.hesso.examples.bench.baselines;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Global selection across node groups: the lowest-scoring channels of all groups together, up to a
 * total count, as Torch-Pruning's {@code global_pruning} does. A group is never emptied: its last
 * channel is skipped and the next-lowest channel elsewhere is taken instead (HESSO likewise keeps
 * at least one channel per group). Ties are broken by group order, then channel index, so the same
 * scores always give the same selection.
 */
public final class GlobalRanking {

    private GlobalRanking() {}

    /**
     * Returns the target count {@code K = floor(N * min(s, 0.999))}, the same as {@code
     * HessoSettings.targetChannels}, so that every method removes the same number of channels.
     *
     * @param prunableChannels {@code N}, at least 0
     * @param sparsity the target group sparsity {@code s}, in {@code [0, 1)}
     * @return {@code K}
     * @throws IllegalArgumentException if {@code s} is outside {@code [0, 1)} or {@code N < 0}
     */
    public static int targetCount(int prunableChannels, double sparsity) {
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException(
                    "target group sparsity must be in [0, 1), got " + sparsity);
        }
        if (prunableChannels < 0) {
            throw new IllegalArgumentException(
                    "prunableChannels must be >= 0, got " + prunableChannels);
        }
        return (int) Math.floor(prunableChannels * Math.min(sparsity, 0.999));
    }

    /**
     * Checks that a removal can grow to {@code total} channels: not below what is removed already,
     * and leaving every group a channel.
     *
     * @throws IllegalArgumentException naming the counts
     */
    static void requireRemovable(int total, int already, int channels, int groups) {
        int most = channels - groups;
        if (total < already || total > most) {
            throw new IllegalArgumentException(
                    "cannot remove "
                            + total
                            + " channels in all: "
                            + already
                            + " are already removed and at most "
                            + most
                            + " of "
                            + channels
                            + " can go without emptying one of the "
                            + groups
                            + " groups");
        }
    }

    /**
     * Extends a removal to {@code total} channels: keeps every already removed channel and adds the
     * lowest-scoring others, globally.
     *
     * @param scores one score per channel for each group, in group order (lower is removed first)
     * @param removed the channels already removed per group (missing groups: none)
     * @param total the number of channels removed in all after this call
     * @return the removal per group (every group of {@code scores}, sorted channel indices)
     * @throws IllegalArgumentException if {@code removed} names an unknown group or channel, if it
     *     already removes more than {@code total}, or if {@code total} would empty a group (more
     *     than {@code N - groups})
     */
    public static Map<String, int[]> extend(
            Map<String, double[]> scores, Map<String, int[]> removed, int total) {
        Objects.requireNonNull(scores, "scores");
        Objects.requireNonNull(removed, "removed");
        int all = 0;
        Map<String, boolean[]> gone = new LinkedHashMap<>();
        int already = 0;
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            all += e.getValue().length;
            gone.put(e.getKey(), new boolean[e.getValue().length]);
        }
        for (Map.Entry<String, int[]> e : removed.entrySet()) {
            boolean[] flags = gone.get(e.getKey());
            if (flags == null) {
                throw new IllegalArgumentException(
                        "removed channels name group '"
                                + e.getKey()
                                + "', which has no scores;"
                                + " scored groups: "
                                + scores.keySet());
            }
            for (int c : e.getValue()) {
                if (c < 0 || c >= flags.length || flags[c]) {
                    throw new IllegalArgumentException(
                            "group '"
                                    + e.getKey()
                                    + "': removed channel "
                                    + c
                                    + " is out of [0, "
                                    + flags.length
                                    + ") or listed twice");
                }
                flags[c] = true;
                already++;
            }
        }
        requireRemovable(total, already, all, scores.size());
        List<Candidate> candidates = new ArrayList<>();
        Map<String, Integer> left = new LinkedHashMap<>();
        int g = 0;
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            boolean[] flags = gone.get(e.getKey());
            int kept = 0;
            for (int c = 0; c < flags.length; c++) {
                if (!flags[c]) {
                    candidates.add(new Candidate(e.getKey(), g, c, e.getValue()[c]));
                    kept++;
                }
            }
            left.put(e.getKey(), kept);
            g++;
        }
        candidates.sort(
                Comparator.comparingDouble(Candidate::score)
                        .thenComparingInt(Candidate::groupOrder)
                        .thenComparingInt(Candidate::channel));
        int toTake = total - already;
        for (Candidate c : candidates) {
            if (toTake == 0) {
                break;
            }
            int kept = left.get(c.group());
            if (kept <= 1) {
                continue; // the group's last channel stays
            }
            gone.get(c.group())[c.channel()] = true;
            left.put(c.group(), kept - 1);
            toTake--;
        }
        Map<String, int[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, boolean[]> e : gone.entrySet()) {
            boolean[] flags = e.getValue();
            out.put(
                    e.getKey(),
                    Arrays.stream(indices(flags.length)).filter(c -> flags[c]).toArray());
        }
        return out;
    }

    private static int[] indices(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    /** One channel that may still be removed. */
    private record Candidate(String group, int groupOrder, int channel, double score) {}
}
