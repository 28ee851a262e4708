package io.perfplan.core.stats;

/**
 * How a regression check decides; see {@link RegressionGate}.
 *
 * @param direction which change of the metric is a regression
 * @param tolerance smallest relative change worth failing on, as a fraction (0.05 for 5%), 0 to 1
 * @param alpha significance level of the one-sided test, in (0, 0.5), e.g. 0.01
 * @param minSamples fewest values needed on each side (samples) or in the baseline window (single
 *     values) to test at all; at least 2
 * @param seed seed of the bootstrap, so the same data always gives the same verdict
 * @param resamples bootstrap resamples, 100 to 100,000
 * @param confidence two-sided coverage of the bootstrap interval of the median ratio, in (0, 1)
 */
public record GateSettings(MetricDirection direction, double tolerance, double alpha, int minSamples,
                           long seed, int resamples, double confidence) {

    public GateSettings {
        if (direction == null) {
            throw new IllegalArgumentException("A regression check needs the metric's direction (lower or higher is better).");
        }
        if (!(tolerance >= 0 && tolerance < 1)) {
            throw new IllegalArgumentException("Tolerance " + tolerance
                    + " must be a fraction from 0 up to 1, e.g. 0.05 for 5%.");
        }
        PredictionInterval.requireAlpha(alpha);
        if (minSamples < 2) {
            throw new IllegalArgumentException("min_samples " + minSamples + " must be at least 2.");
        }
        new Bootstrap(resamples, confidence, seed); // validates both
    }

    /** Settings with the default bootstrap of 2,000 resamples at 95% confidence. */
    public static GateSettings of(MetricDirection direction, double tolerance, double alpha, int minSamples, long seed) {
        return new GateSettings(direction, tolerance, alpha, minSamples, seed,
                Bootstrap.DEFAULT_RESAMPLES, Bootstrap.DEFAULT_CONFIDENCE);
    }

    Bootstrap bootstrap() {
        return new Bootstrap(resamples, confidence, seed);
    }
}
