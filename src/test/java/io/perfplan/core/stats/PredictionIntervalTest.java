package io.perfplan.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PredictionIntervalTest {

    @Test
    void followsTheFormulaWithTheStudentTQuantile() {
        double[] window = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
        PredictionInterval interval = PredictionInterval.of(window, 0.01);
        // scipy.stats.t.ppf(0.99, 9) = 2.821437925025809; s = 2.4698178070456938
        double half = 2.821437925025809 * 2.4698178070456938 * Math.sqrt(1 + 1 / 10.0);
        assertThat(interval.mean()).isCloseTo(3.9, within(1e-12));
        assertThat(interval.upper()).isCloseTo(3.9 + half, within(1e-9));
        assertThat(interval.lower()).isCloseTo(3.9 - half, within(1e-9));
        assertThat(interval.pValue(interval.upper(), Alternative.GREATER)).isCloseTo(0.01, within(1e-9));
        assertThat(interval.pValue(interval.lower(), Alternative.LESS)).isCloseTo(0.01, within(1e-9));
    }

    @Test
    void aNewValueFromTheSameDistributionLandsAboveTheUpperBoundAtRateAlpha() {
        SplittableRandom random = new SplittableRandom(17);
        int above = 0;
        int trials = 4000;
        for (int trial = 0; trial < trials; trial++) {
            double[] window = new double[12];
            for (int i = 0; i < window.length; i++) window[i] = 50 + 4 * OutliersTest.gaussian(random);
            double next = 50 + 4 * OutliersTest.gaussian(random);
            if (next > PredictionInterval.of(window, 0.05).upper()) above++;
        }
        // expected 5%; the binomial sd over 4000 trials is 0.34%
        assertThat(above / (double) trials).isBetween(0.035, 0.065);
    }

    @Test
    void constantWindowFlagsAnyValueOnTheBadSide() {
        PredictionInterval interval = PredictionInterval.of(new double[] {2, 2, 2}, 0.01);
        assertThat(interval.upper()).isEqualTo(2);
        assertThat(interval.pValue(2.1, Alternative.GREATER)).isZero();
        assertThat(interval.pValue(2.0, Alternative.GREATER)).isEqualTo(1.0);
    }

    @Test
    void needsTwoValues() {
        assertThatThrownBy(() -> PredictionInterval.of(new double[] {1}, 0.01))
                .hasMessageContaining("at least 2");
        assertThatThrownBy(() -> PredictionInterval.of(new double[] {1, 2}, 0.7))
                .hasMessageContaining("alpha");
    }
}
