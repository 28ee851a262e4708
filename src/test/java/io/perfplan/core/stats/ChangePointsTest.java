package io.perfplan.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChangePointsTest {

    private static final ChangePoints.Settings DEFAULTS = ChangePoints.Settings.defaults();

    /** Normal noise of sd {@code noise} around levels that switch at the given indices. */
    private static double[] steps(long seed, double noise, int length, int[] at, double[] levels) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] series = new double[length];
        int level = 0;
        for (int i = 0; i < length; i++) {
            while (level < at.length && i >= at[level]) level++;
            series[i] = levels[level] + noise * OutliersTest.gaussian(random);
        }
        return series;
    }

    private static List<Integer> indices(List<ChangePoint> points) {
        List<Integer> out = new ArrayList<>();
        for (ChangePoint p : points) out.add(p.index());
        return out;
    }

    @Test
    void findsASingleStepAtTheRightIndex() {
        for (long seed = 0; seed < 20; seed++) {
            // a step of three noise standard deviations
            double[] series = steps(seed, 5, 100, new int[] {60}, new double[] {100, 115});
            List<ChangePoint> points = ChangePoints.find(series, DEFAULTS.withSeed(seed));
            assertThat(points).as("seed %d: %s", seed, points).hasSize(1);
            ChangePoint point = points.get(0);
            assertThat(point.index()).as("seed %d", seed).isBetween(59, 61);
            assertThat(point.pValue()).isLessThanOrEqualTo(0.001);
            assertThat(point.meanBefore()).isCloseTo(100, within(3.0));
            assertThat(point.meanAfter()).isCloseTo(115, within(3.0));
            assertThat(point.change()).isCloseTo(0.15, within(0.04));
        }
    }

    @Test
    void findsMostStepsOfTwoStandardDeviationsNearTheRightIndex() {
        int near = 0;
        int extra = 0; // one step must never be reported as two
        for (long seed = 0; seed < 40; seed++) {
            double[] series = steps(seed, 5, 100, new int[] {60}, new double[] {100, 110});
            List<Integer> found = indices(ChangePoints.find(series, DEFAULTS.withSeed(seed)));
            if (found.stream().anyMatch(i -> Math.abs(i - 60) <= 3)) near++;
            extra += Math.max(0, found.size() - 1);
        }
        assertThat(near).isGreaterThanOrEqualTo(34);
        assertThat(extra).as("series with more than one change point").isZero();
    }

    @Test
    void findsSeveralStepsUpAndDownInALongSeries() {
        int[] at = {40, 90, 170};
        for (long seed = 0; seed < 10; seed++) {
            double[] series = steps(100 + seed, 3, 240, at, new double[] {50, 62, 55, 40});
            List<Integer> found = indices(ChangePoints.find(series, DEFAULTS.withSeed(seed)));
            assertThat(found).as("seed %d: %s", seed, found).hasSize(3);
            for (int k = 0; k < at.length; k++) {
                assertThat(found.get(k)).as("seed %d: %s", seed, found).isBetween(at[k] - 1, at[k] + 1);
            }
        }
    }

    @Test
    void findsNoneInStationaryNoise() {
        int falseAlarms = 0;
        for (long seed = 0; seed < 60; seed++) {
            double[] series = steps(200 + seed, 5, 120, new int[0], new double[] {100});
            falseAlarms += ChangePoints.find(series, DEFAULTS.withSeed(seed)).size();
        }
        assertThat(falseAlarms).isZero();
    }

    @Test
    void findsNoneInSkewedStationaryNoise() {
        for (long seed = 0; seed < 30; seed++) {
            SplittableRandom random = new SplittableRandom(300 + seed);
            double[] series = new double[100];
            for (int i = 0; i < series.length; i++) series[i] = 100 * Math.exp(0.3 * OutliersTest.gaussian(random));
            assertThat(ChangePoints.find(series, DEFAULTS.withSeed(seed))).as("seed %d", seed).isEmpty();
        }
    }

    @Test
    void dropsSignificantShiftsSmallerThanTheMinimumMagnitude() {
        // a 2% step in very quiet data is real but below a 5% minimum
        double[] series = steps(7, 0.2, 80, new int[] {40}, new double[] {100, 102});
        assertThat(indices(ChangePoints.find(series, DEFAULTS))).containsExactly(40);
        assertThat(ChangePoints.find(series, DEFAULTS.withMinMagnitude(0.05))).isEmpty();
    }

    @Test
    void seesAStepTwoValuesBeforeTheEnd() {
        double[] series = steps(9, 1, 50, new int[] {44}, new double[] {100, 130});
        assertThat(indices(ChangePoints.find(series, DEFAULTS))).containsExactly(44);
    }

    @Test
    void sameSeedGivesTheSameAnswer() {
        double[] series = steps(11, 5, 150, new int[] {50, 100}, new double[] {100, 108, 100});
        assertThat(ChangePoints.find(series, DEFAULTS)).isEqualTo(ChangePoints.find(series, DEFAULTS));
    }

    @Test
    void energyStatisticMatchesItsDefinition() {
        SplittableRandom random = new SplittableRandom(13);
        double[] series = new double[17];
        for (int i = 0; i < series.length; i++) series[i] = random.nextDouble() * 10;
        int from = 3;
        int to = 15;
        double[] q = ChangePoints.energy(series, from, to);
        for (int tau = 2; tau <= to - from - 2; tau++) {
            double cross = 0, left = 0, right = 0;
            int a = tau, b = to - from - tau;
            for (int i = from; i < from + tau; i++) {
                for (int j = from + tau; j < to; j++) cross += Math.abs(series[i] - series[j]);
                for (int k = i + 1; k < from + tau; k++) left += Math.abs(series[i] - series[k]);
            }
            for (int j = from + tau; j < to; j++) {
                for (int k = j + 1; k < to; k++) right += Math.abs(series[j] - series[k]);
            }
            double expected = a * b / (double) (a + b)
                    * (2 * cross / (a * b) - left / (a * (a - 1) / 2.0) - right / (b * (b - 1) / 2.0));
            assertThat(q[tau]).isCloseTo(expected, within(1e-9));
        }
    }

    @Test
    void shortSeriesHaveNoChangePointsAndSettingsAreChecked() {
        assertThat(ChangePoints.find(new double[] {1, 100, 1}, DEFAULTS)).isEmpty();
        assertThatThrownBy(() -> new ChangePoints.Settings(50, 0.0001, 0, 999, 1))
                .hasMessageContaining("at least 9999 permutations");
        assertThatThrownBy(() -> new ChangePoints.Settings(4, 0.001, 0, 999, 1)).hasMessageContaining("at least 8");
    }
}
