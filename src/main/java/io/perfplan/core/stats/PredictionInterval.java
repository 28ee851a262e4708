package io.perfplan.core.stats;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * Where one new value should fall if it comes from the same normal distribution as an earlier
 * window of values: {@code mean ± t(1 - alpha; n - 1) · s · sqrt(1 + 1/n)}, with s the sample
 * standard deviation of the n window values. Each bound is one-sided at level alpha (so
 * {@code [lower, upper]} covers 1 - 2 alpha), because a gate only ever looks at the bad side.
 * Values are unit-free; the bounds are in the window's unit.
 *
 * @param mean mean of the window
 * @param stddev sample standard deviation of the window
 * @param count number of window values (at least 2)
 * @param alpha one-sided level of each bound, in (0, 0.5)
 * @param lower {@code mean - halfWidth}
 * @param upper {@code mean + halfWidth}
 */
public record PredictionInterval(double mean, double stddev, int count, double alpha, double lower, double upper) {

    /**
     * The interval for the next value after {@code window}.
     *
     * @throws IllegalArgumentException with fewer than two values or alpha outside (0, 0.5)
     */
    public static PredictionInterval of(double[] window, double alpha) {
        Samples.requireFinite(window, "The baseline window");
        if (window.length < 2) {
            throw new IllegalArgumentException("A prediction interval needs at least 2 earlier values, got "
                    + window.length + "; keep more runs in the baseline window.");
        }
        requireAlpha(alpha);
        double mean = Summary.mean(window);
        double s = Summary.stddev(window, mean);
        double half = quantile(alpha, window.length) * spread(s, window.length);
        return new PredictionInterval(mean, s, window.length, alpha, mean - half, mean + half);
    }

    /** Half the width: {@code upper - mean}. */
    public double halfWidth() {
        return upper - mean;
    }

    /**
     * One-sided p-value of {@code value} under the window's distribution: the probability of a new
     * value at least this far above the mean (for {@link Alternative#GREATER}) or below it (for
     * {@link Alternative#LESS}), from Student's t with n - 1 degrees of freedom. With a constant
     * window (s = 0) it is 0 for any value beyond the mean on that side and 1 otherwise.
     */
    public double pValue(double value, Alternative side) {
        if (side == Alternative.TWO_SIDED) {
            return Math.min(1.0, 2 * Math.min(pValue(value, Alternative.GREATER), pValue(value, Alternative.LESS)));
        }
        double distance = side == Alternative.GREATER ? value - mean : mean - value;
        double scale = spread(stddev, count);
        if (scale == 0) {
            return distance > 0 ? 0.0 : 1.0;
        }
        return new TDistribution(null, count - 1).cumulativeProbability(-distance / scale);
    }

    static double quantile(double alpha, int count) {
        return new TDistribution(null, count - 1).inverseCumulativeProbability(1 - alpha);
    }

    private static double spread(double stddev, int count) {
        return stddev * Math.sqrt(1 + 1.0 / count);
    }

    static void requireAlpha(double alpha) {
        if (!(alpha > 0 && alpha < 0.5)) {
            throw new IllegalArgumentException("alpha " + alpha + " must lie between 0 and 0.5, e.g. 0.01.");
        }
    }
}
