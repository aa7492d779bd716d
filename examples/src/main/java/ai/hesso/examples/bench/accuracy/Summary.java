package ai.hesso.examples.bench.accuracy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The rows of one model, method, target and MAC budget over all seeds, with their mean and spread.
 *
 * @param model the model
 * @param method the method's label
 * @param targetSparsity the target
 * @param rows the rows, one per seed, at least one
 */
public record Summary(String model, String method, double targetSparsity, List<ResultRow> rows) {

    /**
     * Validates and copies the rows.
     *
     * @param model the model
     * @param method the method
     * @param targetSparsity the target
     * @param rows the rows
     */
    public Summary {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(method, "method");
        rows = List.copyOf(rows);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a summary needs at least one row");
        }
    }

    /**
     * Groups rows by model, method, target and MAC budget, in the order they first appear.
     *
     * @param rows the rows
     * @return one summary per group
     */
    public static List<Summary> of(List<ResultRow> rows) {
        Map<String, List<ResultRow>> groups = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            groups.computeIfAbsent(
                            r.model()
                                    + "|"
                                    + r.method()
                                    + "|"
                                    + r.targetSparsity()
                                    + "|"
                                    + r.macBudget(),
                            k -> new ArrayList<>())
                    .add(r);
        }
        List<Summary> out = new ArrayList<>();
        for (List<ResultRow> g : groups.values()) {
            ResultRow first = g.get(0);
            out.add(new Summary(first.model(), first.method(), first.targetSparsity(), g));
        }
        return out;
    }

    /**
     * Returns the mean test accuracy over the seeds.
     *
     * @return the mean
     */
    public double meanAccuracy() {
        return rows.stream().mapToDouble(ResultRow::testAccuracy).average().orElseThrow();
    }

    /**
     * Returns the sample standard deviation of the test accuracy over the seeds.
     *
     * @return the standard deviation, 0 for one seed
     */
    public double sdAccuracy() {
        if (rows.size() < 2) {
            return 0;
        }
        double mean = meanAccuracy();
        double sum = 0;
        for (ResultRow r : rows) {
            sum += (r.testAccuracy() - mean) * (r.testAccuracy() - mean);
        }
        return Math.sqrt(sum / (rows.size() - 1));
    }

    /**
     * Returns the lowest test accuracy over the seeds.
     *
     * @return the minimum
     */
    public double minAccuracy() {
        return rows.stream().mapToDouble(ResultRow::testAccuracy).min().orElseThrow();
    }

    /**
     * Returns the highest test accuracy over the seeds.
     *
     * @return the maximum
     */
    public double maxAccuracy() {
        return rows.stream().mapToDouble(ResultRow::testAccuracy).max().orElseThrow();
    }

    /**
     * Returns the mean MACs per image of the compact models.
     *
     * @return the mean
     */
    public double meanFlops() {
        return rows.stream().mapToLong(ResultRow::flops).average().orElseThrow();
    }

    /**
     * Returns the mean parameters of the compact models.
     *
     * @return the mean
     */
    public double meanParams() {
        return rows.stream().mapToLong(ResultRow::params).average().orElseThrow();
    }

    /**
     * Returns the mean training-loop seconds.
     *
     * @return the mean
     */
    public double meanSeconds() {
        return rows.stream().mapToDouble(ResultRow::seconds).average().orElseThrow();
    }

    /**
     * Returns the largest compact-versus-zeroed output difference over the seeds.
     *
     * @return the maximum
     */
    public double maxDiff() {
        return rows.stream().mapToDouble(ResultRow::maxAbsDiffCompactVsZeroed).max().orElseThrow();
    }

    /**
     * Returns the mean step-time ratio of the rows that have one.
     *
     * @return the mean, or NaN when no row has one
     */
    public double meanStepTimeRatio() {
        return rows.stream()
                .filter(r -> r.stepTimeRatio() != null)
                .mapToDouble(ResultRow::stepTimeRatio)
                .average()
                .orElse(Double.NaN);
    }
}
