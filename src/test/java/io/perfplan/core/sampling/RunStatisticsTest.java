package io.perfplan.core.sampling;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RunStatisticsTest {

    @Test
    void describesTheValuesAndFlagsTheOutlier() {
        RunStatistics s = RunStatistics.of(new double[] {10, 11, 12, 13, 100}, 1);

        assertThat(s.count()).isEqualTo(5);
        assertThat(s.mean()).isCloseTo(29.2, within(1e-9));
        assertThat(s.median()).isEqualTo(12);
        assertThat(s.stddev()).isCloseTo(39.5942, within(1e-3));
        assertThat(s.min()).isEqualTo(10);
        assertThat(s.max()).isEqualTo(100);
        assertThat(s.outliers()).containsExactly(4);
        assertThat(s.medianLow()).isLessThanOrEqualTo(s.median());
        assertThat(s.medianHigh()).isGreaterThanOrEqualTo(s.median());
    }

    @Test
    void bootstrapIntervalIsRepeatableForASeedAndNarrowsWithMoreData() {
        double[] few = {98, 102, 100, 97, 104, 99};
        double[] many = new double[60];
        for (int i = 0; i < many.length; i++) {
            many[i] = few[i % few.length];
        }
        RunStatistics a = RunStatistics.of(few, 7);
        RunStatistics b = RunStatistics.of(few, 7);

        assertThat(a).isEqualTo(b);
        RunStatistics m = RunStatistics.of(many, 7);
        assertThat(m.medianHigh() - m.medianLow()).isLessThan(a.medianHigh() - a.medianLow());
        assertThat(a.outliers()).isEmpty();
    }

    @Test
    void equalValuesHaveNoOutliersAndOneValueIsItsOwnInterval() {
        RunStatistics same = RunStatistics.of(new double[] {5, 5, 5, 5}, 3);
        assertThat(same.stddev()).isZero();
        assertThat(same.outliers()).isEmpty();

        RunStatistics one = RunStatistics.of(new double[] {42}, 3);
        assertThat(one.medianLow()).isEqualTo(42);
        assertThat(one.medianHigh()).isEqualTo(42);
    }

    @Test
    void zeroMadFallsBackToMeanAbsoluteDeviation() {
        // More than half the values equal: MAD is 0, yet 50 is clearly an outlier.
        RunStatistics s = RunStatistics.of(new double[] {10, 10, 10, 10, 10, 11, 50}, 3);
        assertThat(s.outliers()).containsExactly(6);
    }
}
