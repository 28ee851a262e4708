package io.perfplan.core.sampling;

import io.perfplan.core.stats.Bootstrap;
import io.perfplan.core.stats.Outliers;
import io.perfplan.core.stats.Summary;
import java.util.List;

/**
 * Descriptive statistics of repeated measurements (e.g. per-run wall times in ms): mean, median,
 * sample standard deviation, extremes, a seeded 95% bootstrap interval of the median, and outliers by
 * modified z-score (|0.6745 (x − median) / MAD| > 3.5, Iglewicz and Hoaglin), all computed by
 * {@code io.perfplan.core.stats}.
 *
 * @param outliers indexes (into the input) of the values whose modified z-score exceeds 3.5
 */
public record RunStatistics(int count, double mean, double median, double stddev, double min, double max,
                            double medianLow, double medianHigh, List<Integer> outliers) {

    public RunStatistics {
        outliers = List.copyOf(outliers);
    }

    /** Statistics of at least one value; the bootstrap is repeatable for a given seed. */
    public static RunStatistics of(double[] values, long seed) {
        if (values.length == 0) {
            throw new IllegalArgumentException("statistics need at least one value");
        }
        Summary s = Summary.of(values);
        io.perfplan.core.stats.Interval median = Bootstrap.withSeed(seed).median(values);
        return new RunStatistics(s.count(), s.mean(), s.median(), s.stddev(), s.min(), s.max(),
                median.lower(), median.upper(), Outliers.of(values).indices());
    }
}
