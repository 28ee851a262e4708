package io.perfplan.core.stats;

/**
 * Descriptive statistics of one sample, computed in one call by {@link #of(double[])}. All values
 * are in the unit of the input (inputs are unit-free doubles; the caller knows the unit).
 *
 * @param count number of values (at least 1)
 * @param mean arithmetic mean
 * @param median middle value; the mean of the two middle values for an even count
 * @param stddev sample standard deviation (divisor n - 1); 0 for a single value
 * @param min smallest value
 * @param max largest value
 * @param p90 90th percentile, linear interpolation as in {@link Percentile}
 * @param p95 95th percentile, linear interpolation as in {@link Percentile}
 * @param p99 99th percentile, linear interpolation as in {@link Percentile}
 */
public record Summary(int count, double mean, double median, double stddev, double min, double max,
                      double p90, double p95, double p99) {

    /**
     * Summarises {@code values}, which are not modified.
     *
     * @throws IllegalArgumentException when there are no values or one is NaN or infinite
     */
    public static Summary of(double[] values) {
        Samples.requireFinite(values, "The sample");
        double[] sorted = Samples.sortedCopy(values);
        int n = sorted.length;
        double mean = mean(sorted);
        return new Summary(n, mean, Samples.medianOfSorted(sorted), stddev(sorted, mean),
                sorted[0], sorted[n - 1],
                Percentile.ofSorted(sorted, 90), Percentile.ofSorted(sorted, 95), Percentile.ofSorted(sorted, 99));
    }

    /** Coefficient of variation, stddev / mean; NaN when the mean is 0. */
    public double coefficientOfVariation() {
        return mean == 0 ? Double.NaN : stddev / Math.abs(mean);
    }

    static double mean(double[] values) {
        // Kahan summation: long runs of nearly equal timings otherwise lose the last digits
        double sum = 0;
        double compensation = 0;
        for (double v : values) {
            double y = v - compensation;
            double t = sum + y;
            compensation = (t - sum) - y;
            sum = t;
        }
        return sum / values.length;
    }

    static double stddev(double[] values, double mean) {
        if (values.length < 2) {
            return 0.0;
        }
        double squares = 0;
        for (double v : values) {
            double d = v - mean;
            squares += d * d;
        }
        return Math.sqrt(squares / (values.length - 1));
    }
}
