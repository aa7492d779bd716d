package ai.hesso.examples.bench.accuracy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/**
 * Draws test accuracy against the compact model's MACs per image, one series per method (its
 * targets joined by a line, lowest MACs first), each point the mean over the seeds with error bars
 * of one standard deviation; one PNG per model, with XChart.
 */
public final class AccuracyPlot {

    /** The start of the file names of {@code bench accuracy}'s plots. */
    public static final String PREFIX = "accuracy-vs-macs-";

    private static final int WIDTH = 900;
    private static final int HEIGHT = 600;

    private AccuracyPlot() {}

    /**
     * Returns the file name of a model's plot.
     *
     * @param model the model name
     * @return {@code accuracy-vs-macs-<model>.png}
     */
    public static String fileName(String model) {
        return fileName(PREFIX, model);
    }

    /**
     * Returns the file name of a model's plot with a given prefix.
     *
     * @param prefix e.g. {@code frontier-}
     * @param model the model name
     * @return {@code <prefix><model>.png}
     */
    public static String fileName(String prefix, String model) {
        return prefix + model + ".png";
    }

    /**
     * Writes one plot per model into a directory.
     *
     * @param rows the rows of the run
     * @param directory the directory, which must exist
     * @return the files written
     * @throws IOException if a file cannot be written
     */
    public static List<Path> write(List<ResultRow> rows, Path directory) throws IOException {
        return write(rows, directory, PREFIX);
    }

    /**
     * Writes one plot per model into a directory, named {@code <prefix><model>.png}.
     *
     * @param rows the rows of the run
     * @param directory the directory, which must exist
     * @param prefix the start of the file names
     * @return the files written
     * @throws IOException if a file cannot be written
     */
    public static List<Path> write(List<ResultRow> rows, Path directory, String prefix)
            throws IOException {
        // a server has no display; XChart draws into an image either way
        System.setProperty("java.awt.headless", "true");
        Map<String, List<Summary>> byModel = new LinkedHashMap<>();
        for (Summary s : Summary.of(rows)) {
            byModel.computeIfAbsent(s.model(), k -> new ArrayList<>()).add(s);
        }
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, List<Summary>> e : byModel.entrySet()) {
            XYChart chart = chart(e.getKey(), e.getValue(), rows.get(0));
            Path file = directory.resolve(fileName(prefix, e.getKey()));
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
            files.add(file);
        }
        return files;
    }

    private static XYChart chart(String model, List<Summary> summaries, ResultRow any) {
        int seeds = summaries.stream().mapToInt(s -> s.rows().size()).max().orElse(1);
        XYChart chart =
                new XYChartBuilder()
                        .width(WIDTH)
                        .height(HEIGHT)
                        .title(
                                model
                                        + ": test accuracy vs compact MACs ("
                                        + any.epochs()
                                        + (any.epochs() == 1 ? " epoch, " : " epochs, ")
                                        + any.trainImages()
                                        + " training images, "
                                        + seeds
                                        + (seeds == 1 ? " seed)" : " seeds, mean ± sd)"))
                        .xAxisTitle("MACs per image (millions)")
                        .yAxisTitle("test accuracy")
                        .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        chart.getStyler().setDecimalPattern("0.000");
        chart.getStyler().setXAxisDecimalPattern("0.0");
        Map<String, List<Summary>> byMethod = new LinkedHashMap<>();
        for (Summary s : summaries) {
            byMethod.computeIfAbsent(s.method(), k -> new ArrayList<>()).add(s);
        }
        for (Map.Entry<String, List<Summary>> m : byMethod.entrySet()) {
            List<Summary> points = new ArrayList<>(m.getValue());
            points.sort(Comparator.comparingDouble(Summary::meanFlops));
            double[] x = new double[points.size()];
            double[] y = new double[points.size()];
            double[] err = new double[points.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = points.get(i).meanFlops() / 1e6;
                y[i] = points.get(i).meanAccuracy();
                err[i] = points.get(i).sdAccuracy();
            }
            chart.addSeries(m.getKey(), x, y, err);
        }
        return chart;
    }
}
