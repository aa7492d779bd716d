package ai.hesso.examples.bench.baselines;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Torch-Pruning's default importance normaliser, {@code normalizer='mean'}: each group's scores are
 * divided by the mean score of that group's channels before the global ranking, so that a layer
 * whose weights are large overall does not keep all its channels merely for its scale.
 *
 * <p>Torch-Pruning scores the physically pruned model, so the mean is over the channels still
 * present; here the removed channels (kept zero by {@link RemovalMasks}) are left out of the mean,
 * and their normalised score is 0. A group whose present channels all score 0 keeps its scores
 * (Torch-Pruning would divide by zero).
 */
public final class MeanNormalization {

    private MeanNormalization() {}

    /**
     * Normalises every group's scores by the mean over its present channels.
     *
     * @param scores one score per channel, per group
     * @param removed the channels removed already, per group (missing groups: none)
     * @return the normalised scores, in the order of {@code scores}
     */
    public static Map<String, double[]> apply(
            Map<String, double[]> scores, Map<String, int[]> removed) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            double[] s = e.getValue();
            boolean[] gone = new boolean[s.length];
            for (int c : removed.getOrDefault(e.getKey(), new int[0])) {
                gone[c] = true;
            }
            double sum = 0;
            int present = 0;
            for (int c = 0; c < s.length; c++) {
                if (!gone[c]) {
                    sum += s[c];
                    present++;
                }
            }
            double mean = present == 0 ? 0 : sum / present;
            double[] n = new double[s.length];
            for (int c = 0; c < s.length; c++) {
                n[c] = gone[c] ? 0 : (mean > 0 ? s[c] / mean : s[c]);
            }
            out.put(e.getKey(), n);
        }
        return out;
    }
}
