package io.perfplan.core.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Outliers by the modified z-score of Iglewicz and Hoaglin: {@code z = 0.6745 * (x - median) / MAD},
 * where MAD is the median absolute deviation from the median; a value is an outlier when
 * {@code |z| > 3.5}. When more than half the values equal the median (MAD = 0) the mean absolute
 * deviation stands in for it ({@code z = (x - median) / (1.253314 * meanAD)}); when every value is
 * equal there are no outliers. Values are unit-free.
 *
 * @param indices zero-based positions of the outliers in the input, ascending
 * @param scores the modified z-score of every input value, in input order
 * @param threshold the |z| above which a value counts as an outlier
 * @param warning one sentence for the user when there are outliers, empty otherwise
 */
public record Outliers(List<Integer> indices, List<Double> scores, double threshold, Optional<String> warning) {

    /** The cut-off recommended by Iglewicz and Hoaglin. */
    public static final double DEFAULT_THRESHOLD = 3.5;

    public Outliers {
        indices = List.copyOf(indices);
        scores = List.copyOf(scores);
    }

    /** Finds outliers with the default threshold of 3.5. */
    public static Outliers of(double[] values) {
        return of(values, DEFAULT_THRESHOLD);
    }

    /** Finds outliers whose |modified z-score| exceeds {@code threshold} (a positive number). */
    public static Outliers of(double[] values, double threshold) {
        Samples.requireFinite(values, "The sample");
        if (!(threshold > 0)) {
            throw new IllegalArgumentException("Outlier threshold " + threshold + " must be a positive number such as 3.5.");
        }
        double median = Samples.medianOfSorted(Samples.sortedCopy(values));
        double[] deviations = new double[values.length];
        double meanDeviation = 0;
        for (int i = 0; i < values.length; i++) {
            deviations[i] = Math.abs(values[i] - median);
            meanDeviation += deviations[i];
        }
        meanDeviation /= values.length;
        double mad = Samples.medianOfSorted(Samples.sortedCopy(deviations));
        double scale = mad > 0 ? mad / 0.6745 : 1.253314 * meanDeviation;

        List<Integer> indices = new ArrayList<>();
        List<Double> scores = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            double z = scale > 0 ? (values[i] - median) / scale : 0.0;
            scores.add(z);
            if (Math.abs(z) > threshold) {
                indices.add(i);
            }
        }
        return new Outliers(indices, scores, threshold, warningFor(indices, values.length, threshold));
    }

    public boolean any() {
        return !indices.isEmpty();
    }

    private static Optional<String> warningFor(List<Integer> indices, int count, double threshold) {
        if (indices.isEmpty()) {
            return Optional.empty();
        }
        String shown = indices.stream().limit(10).map(String::valueOf).collect(Collectors.joining(", "))
                + (indices.size() > 10 ? ", ..." : "");
        boolean one = indices.size() == 1;
        return Optional.of(indices.size() + " of " + count + " values (" + (one ? "index " : "indices ") + shown + ") "
                + (one ? "is an outlier" : "are outliers") + " (modified z-score beyond " + threshold
                + "), so something disturbed " + (one ? "that run" : "those runs")
                + "; check for background load or add warm-up runs.");
    }
}
