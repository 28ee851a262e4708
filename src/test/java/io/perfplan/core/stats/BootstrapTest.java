package io.perfplan.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BootstrapTest {

    private static double[] normal(SplittableRandom random, int n, double mean, double sd) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) values[i] = mean + sd * OutliersTest.gaussian(random);
        return values;
    }

    @Test
    void sameSeedGivesTheSameIntervalAndAnotherSeedADifferentOne() {
        double[] sample = normal(new SplittableRandom(1), 40, 100, 10);
        Interval a = Bootstrap.withSeed(123).median(sample);
        Interval b = Bootstrap.withSeed(123).median(sample);
        assertThat(a).isEqualTo(b);
        // medians of resamples take few distinct values, so neighbouring seeds may agree; many may not
        java.util.Set<Interval> distinct = new java.util.HashSet<>();
        for (long seed = 0; seed < 20; seed++) distinct.add(Bootstrap.withSeed(seed).median(sample));
        assertThat(distinct).hasSizeGreaterThan(1);
        assertThat(a.lower()).isLessThanOrEqualTo(a.estimate()).isLessThan(a.upper());
        assertThat(a.confidence()).isEqualTo(0.95);
    }

    @Test
    void medianIntervalCoversTheTrueMedianAboutAsOftenAsStated() {
        SplittableRandom random = new SplittableRandom(2);
        int covered = 0;
        int trials = 300;
        for (int trial = 0; trial < trials; trial++) {
            double[] sample = normal(random, 30, 100, 10);
            if (new Bootstrap(500, 0.95, trial).median(sample).contains(100)) covered++;
        }
        // percentile bootstrap of a median is roughly calibrated; allow a wide margin around 95%
        assertThat(covered / (double) trials).isBetween(0.88, 0.995);
    }

    @Test
    void ratioIntervalCoversTheTrueRatioAndWidensWithNoise() {
        SplittableRandom random = new SplittableRandom(3);
        int covered = 0;
        int trials = 300;
        for (int trial = 0; trial < trials; trial++) {
            double[] baseline = normal(random, 30, 100, 5);
            double[] candidate = normal(random, 30, 110, 5.5);
            if (new Bootstrap(500, 0.95, trial).medianRatio(baseline, candidate).contains(1.10)) covered++;
        }
        assertThat(covered / (double) trials).isBetween(0.88, 0.995);

        double[] quiet = normal(new SplittableRandom(4), 30, 100, 1);
        double[] noisy = normal(new SplittableRandom(4), 30, 100, 20);
        Interval narrow = Bootstrap.withSeed(5).medianRatio(quiet, quiet);
        Interval wide = Bootstrap.withSeed(5).medianRatio(noisy, noisy);
        assertThat(narrow.estimate()).isEqualTo(1.0);
        assertThat(wide.upper() - wide.lower()).isGreaterThan(5 * (narrow.upper() - narrow.lower()));
    }

    @Test
    void zeroBaselineMedianGivesAnInfiniteRatioNotNaN() {
        Interval interval = Bootstrap.withSeed(1).medianRatio(new double[] {0, 0, 0, 0}, new double[] {1, 2, 3});
        assertThat(interval.lower()).isInfinite();
        assertThat(interval.estimate()).isInfinite();
        Interval same = Bootstrap.withSeed(1).medianRatio(new double[] {0, 0}, new double[] {0, 0});
        assertThat(same.estimate()).isEqualTo(1.0);
    }

    @Test
    void boundsTheNumberOfResamples() {
        assertThatThrownBy(() -> new Bootstrap(1_000_000, 0.95, 1)).hasMessageContaining("between 100 and 100000");
        assertThatThrownBy(() -> new Bootstrap(2000, 1.0, 1)).hasMessageContaining("strictly between 0 and 1");
    }
}
