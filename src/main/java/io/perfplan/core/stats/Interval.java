package io.perfplan.core.stats;

/**
 * A two-sided interval around a point estimate, in the unit of what it estimates (a value in the
 * sample's unit, or a unit-free ratio candidate/baseline).
 *
 * @param lower lower bound
 * @param estimate the statistic computed on the original data
 * @param upper upper bound
 * @param confidence nominal coverage, e.g. 0.95
 */
public record Interval(double lower, double estimate, double upper, double confidence) {

    public boolean contains(double value) {
        return value >= lower && value <= upper;
    }
}
