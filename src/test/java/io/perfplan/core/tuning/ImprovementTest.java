package io.perfplan.core.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The acceptance test of a winner: large enough and significant, on seeded samples with wide margins. */
class ImprovementTest {

    private static final Objective MIN = new Objective(Objective.Statistic.MEDIAN, Objective.Goal.MINIMIZE);
    private static final Objective MAX = new Objective(Objective.Statistic.MEDIAN, Objective.Goal.MAXIMIZE);

    private static double[] normal(SplittableRandom r, double mean, double sd, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble(), v = r.nextDouble();
            out[i] = mean + sd * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
        }
        return out;
    }

    @Test
    void aClearGainIsAccepted() {
        SplittableRandom r = new SplittableRandom(1);
        Improvement i = Improvement.test(normal(r, 100, 3, 10), normal(r, 70, 3, 10), MIN, 0.05, 0.01, 7);
        assertThat(i.accepted()).isTrue();
        assertThat(i.improvement()).isBetween(0.25, 0.35);
        assertThat(i.lower()).isGreaterThan(0.2);
        assertThat(i.pValue()).isLessThan(0.001);
        assertThat(i.explanation()).startsWith("Accepted");
    }

    @Test
    void noRealDifferenceIsRejectedNearlyAlways() {
        SplittableRandom r = new SplittableRandom(2);
        int accepted = 0;
        for (int k = 0; k < 200; k++) {
            if (Improvement.test(normal(r, 100, 5, 8), normal(r, 100, 5, 8), MIN, 0.0, 0.01, k).accepted()) {
                accepted++;
            }
        }
        assertThat(accepted).as("false acceptances at alpha 0.01 out of 200").isLessThanOrEqualTo(8);
    }

    @Test
    void aSignificantButSmallGainIsRejected() {
        SplittableRandom r = new SplittableRandom(3);
        Improvement i = Improvement.test(normal(r, 100, 0.5, 12), normal(r, 97, 0.5, 12), MIN, 0.05, 0.01, 7);
        assertThat(i.significant()).isTrue();
        assertThat(i.accepted()).isFalse();
        assertThat(i.explanation()).contains("smaller than the +5% required");
    }

    @Test
    void maximizingCountsARiseAsAGain() {
        SplittableRandom r = new SplittableRandom(4);
        Improvement i = Improvement.test(normal(r, 1000, 20, 10), normal(r, 1500, 20, 10), MAX, 0.05, 0.01, 7);
        assertThat(i.accepted()).isTrue();
        assertThat(i.improvement()).isBetween(0.4, 0.6);
        Improvement worse = Improvement.test(normal(r, 1500, 20, 10), normal(r, 1000, 20, 10), MAX, 0.05, 0.01, 7);
        assertThat(worse.accepted()).isFalse();
        assertThat(worse.improvement()).isNegative();
    }

    @Test
    void runsNeededForAlphaFollowTheExactDistribution() {
        assertThat(Improvement.minRunsPerSide(0.05)).isEqualTo(4);   // 1/20 = 0.05 is not below 0.05; 1/70 is
        assertThat(Improvement.minRunsPerSide(0.01)).isEqualTo(5);   // 1/252
        assertThat(Improvement.minRunsPerSide(0.001)).isEqualTo(7);  // 1/924 is above 0.001; 1/3432 is not
        double[] a = {1, 2, 3, 4, 5};
        double[] b = {11, 12, 13, 14, 15};
        assertThat(Improvement.test(b, a, MIN, 0, 0.01, 1).pValue()).isCloseTo(1 / 252.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void tooFewRunsAcceptNothing() {
        Improvement i = Improvement.test(new double[] {10, 11}, new double[] {1, 2}, MIN, 0.05, 0.01, 7);
        assertThat(i.accepted()).isFalse();
        assertThat(i.explanation()).contains("at least 3 each");
    }
}
