package io.perfplan.core.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Descriptive statistics of repeated measurements (e.g. per-run wall times in ms): mean, median,
 * sample standard deviation, extremes, a seeded 95% bootstrap interval of the median, and outliers by
 * modified z-score (|0.6745 (x − median) / MAD| > 3.5, Iglewicz and Hoaglin).
 * The lead will switch this to io.perfplan.core.stats when merging.
 *
 * @param outliers indexes (into the input) of the values whose modified z-score exceeds 3.5
 */
public record RunStatistics(int count, double mean, double median, double stddev, double min, double max,
                            double medianLow, double medianHigh, List<Integer> outliers) {

    private static final int RESAMPLES = 2000;
    private static final double OUTLIER_Z = 3.5;

    public RunStatistics {
        outliers = List.copyOf(outliers);
    }

    /** Statistics of at least one value; the bootstrap is repeatable for a given seed. */
    public static RunStatistics of(double[] values, long seed) {
        if (values.length == 0) {
            throw new IllegalArgumentException("statistics need at least one value");
        }
        int n = values.length;
        double mean = Arrays.stream(values).average().orElseThrow();
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double stddev = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
        double median = median(values.clone());

        double[] medians = new double[RESAMPLES];
        SplittableRandom random = new SplittableRandom(seed);
        double[] resample = new double[n];
        for (int r = 0; r < RESAMPLES; r++) {
            for (int i = 0; i < n; i++) {
                resample[i] = values[random.nextInt(n)];
            }
            medians[r] = median(resample);
        }
        Arrays.sort(medians);
        double low = medians[(int) Math.floor(0.025 * (RESAMPLES - 1))];
        double high = medians[(int) Math.ceil(0.975 * (RESAMPLES - 1))];

        double[] deviations = new double[n];
        double meanDeviation = 0;
        for (int i = 0; i < n; i++) {
            deviations[i] = Math.abs(values[i] - median);
            meanDeviation += deviations[i] / n;
        }
        double mad = median(deviations.clone());
        // With MAD = 0 (most values equal) the mean absolute deviation stands in, scaled to match.
        double scale = mad > 0 ? mad / 0.6745 : 1.253314 * meanDeviation;
        List<Integer> outliers = new ArrayList<>();
        if (scale > 0) {
            for (int i = 0; i < n; i++) {
                if (deviations[i] / scale > OUTLIER_Z) {
                    outliers.add(i);
                }
            }
        }
        return new RunStatistics(n, mean, median, stddev, Arrays.stream(values).min().orElseThrow(),
                Arrays.stream(values).max().orElseThrow(), low, high, outliers);
    }

    /** Median; sorts the array it is given. */
    private static double median(double[] values) {
        Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
