package io.perfplan.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.junit.jupiter.api.Test;

class SummaryTest {

    private static final double[] DIGITS = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};

    @Test
    void summarisesAKnownSample() {
        // reference: numpy.mean / numpy.std(ddof=1) / numpy.percentile (linear)
        Summary s = Summary.of(DIGITS);
        assertThat(s.count()).isEqualTo(10);
        assertThat(s.mean()).isCloseTo(3.9, within(1e-12));
        assertThat(s.stddev()).isCloseTo(2.4698178070456938, within(1e-12));
        assertThat(s.median()).isEqualTo(3.5);
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.max()).isEqualTo(9);
        assertThat(s.p90()).isCloseTo(6.3, within(1e-12));
        assertThat(s.p99()).isCloseTo(8.73, within(1e-12));
    }

    @Test
    void percentilesInterpolateLinearlyBetweenClosestRanksLikeNumpy() {
        // numpy.percentile(DIGITS, [0, 25, 50, 90, 99.9, 100]) = [1, 2.25, 3.5, 6.3, 8.973, 9]
        assertThat(Percentile.of(DIGITS, 0)).isEqualTo(1);
        assertThat(Percentile.of(DIGITS, 25)).isCloseTo(2.25, within(1e-12));
        assertThat(Percentile.of(DIGITS, 50)).isCloseTo(3.5, within(1e-12));
        assertThat(Percentile.of(DIGITS, 90)).isCloseTo(6.3, within(1e-12));
        assertThat(Percentile.of(DIGITS, 99.9)).isCloseTo(8.973, within(1e-12));
        assertThat(Percentile.of(DIGITS, 100)).isEqualTo(9);
        assertThat(DIGITS[0]).as("input left unsorted").isEqualTo(3);
    }

    @Test
    void agreesWithCommonsMathOnRandomSamples() {
        SplittableRandom random = new SplittableRandom(42);
        for (int trial = 0; trial < 200; trial++) {
            double[] values = new double[1 + random.nextInt(60)];
            for (int i = 0; i < values.length; i++) values[i] = 1000 * random.nextDouble() - 200;
            Summary s = Summary.of(values);
            DescriptiveStatistics reference = new DescriptiveStatistics(values);
            assertThat(s.mean()).isCloseTo(reference.getMean(), within(1e-9));
            assertThat(s.stddev()).isCloseTo(values.length == 1 ? 0 : reference.getStandardDeviation(), within(1e-9));
            assertThat(s.min()).isEqualTo(reference.getMin());
            assertThat(s.max()).isEqualTo(reference.getMax());
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            assertThat(s.median()).isCloseTo(Percentile.of(values, 50), within(1e-9));
            assertThat(s.min()).isLessThanOrEqualTo(s.median()).isLessThanOrEqualTo(s.p90());
            assertThat(s.p90()).isLessThanOrEqualTo(s.p95()).isLessThanOrEqualTo(s.p99()).isLessThanOrEqualTo(s.max());
        }
    }

    @Test
    void singleValueHasZeroSpread() {
        Summary s = Summary.of(new double[] {7.5});
        assertThat(s.stddev()).isZero();
        assertThat(s.median()).isEqualTo(7.5);
        assertThat(s.p99()).isEqualTo(7.5);
    }

    @Test
    void quickselectMedianEqualsSortedMedian() {
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 500; trial++) {
            double[] values = new double[1 + random.nextInt(40)];
            for (int i = 0; i < values.length; i++) values[i] = random.nextInt(10); // many ties
            double expected = Samples.medianOfSorted(Samples.sortedCopy(values));
            assertThat(Samples.medianInPlace(values.clone(), values.length)).isEqualTo(expected);
        }
    }

    @Test
    void rejectsEmptyAndNonFiniteInputWithASentence() {
        assertThatThrownBy(() -> Summary.of(new double[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no values");
        assertThatThrownBy(() -> Summary.of(new double[] {1, Double.NaN})).hasMessageContaining("index 1");
        assertThatThrownBy(() -> Percentile.of(DIGITS, 101)).hasMessageContaining("between 0 and 100");
    }
}
