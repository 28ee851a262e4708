package io.perfplan.core.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {

    private static final long S = 1_000_000_000L;

    @Test
    void constantRateSpacesArrivalsEvenlyFromTheScheduleNotFromNow() {
        ArrivalSchedule s = ArrivalSchedule.of(LoadModel.Open.constant(1000, Duration.ofSeconds(2), 10), 0);
        ArrivalSchedule.Cursor c = s.cursor(0, 1, false, 0);
        long previous = -1;
        int n = 0;
        for (long t = c.next(); t != Long.MAX_VALUE; t = c.next()) {
            if (previous >= 0) {
                assertThat(t - previous).isBetween(999_999L, 1_000_001L);
            }
            previous = t;
            n++;
        }
        assertThat(n).isEqualTo(2000);
    }

    @Test
    void lanesSplitTheArrivalsWithoutOverlap() {
        ArrivalSchedule s = ArrivalSchedule.of(LoadModel.Open.constant(100, Duration.ofSeconds(1), 10), 0);
        ArrivalSchedule.Cursor a = s.cursor(0, 2, false, 0);
        ArrivalSchedule.Cursor b = s.cursor(1, 2, false, 0);
        assertThat(a.next()).isEqualTo(0);
        assertThat(b.next()).isEqualTo(10_000_000L);
        assertThat(a.next()).isEqualTo(20_000_000L);
    }

    @Test
    void stagesRampLinearlyBetweenTargets() {
        LoadModel.Open ramp = new LoadModel.Open(0, List.of(new RateStage(Duration.ofSeconds(2), 1000),
                new RateStage(Duration.ofSeconds(1), 1000), new RateStage(Duration.ofSeconds(2), 0)), false, 0, 10);
        ArrivalSchedule s = ArrivalSchedule.of(ramp, 0);
        assertThat(s.rateAt(S / 2)).isCloseTo(250, within(1e-6));
        assertThat(s.rateAt(S)).isCloseTo(500, within(1e-6));
        assertThat(s.rateAt(5 * S / 2)).isCloseTo(1000, within(1e-6));
        assertThat(s.rateAt(4 * S)).isCloseTo(500, within(1e-6));
        assertThat(s.expectedArrivals()).isCloseTo(1000 + 1000 + 1000, within(1e-6));
        int[] perSecond = new int[5];
        ArrivalSchedule.Cursor c = s.cursor(0, 1, false, 0);
        for (long t = c.next(); t != Long.MAX_VALUE; t = c.next()) {
            perSecond[(int) (t / S)]++;
        }
        // ∫ of the rate over each second: 250, 750, 1000, 750, 250
        assertThat(perSecond).containsExactly(250, 750, 1000, 750, 250);
        // the inverse is exact: the k-th arrival is where N(t) = k
        assertThat(s.expectedArrivals(s.timeOf(1234.5))).isCloseTo(1234.5, within(1e-3));
    }

    @Test
    void warmupRunsAtTheFirstStageRateBeforeTheStages() {
        LoadModel.Open ramp = new LoadModel.Open(0, List.of(new RateStage(Duration.ofSeconds(1), 400)), false, 0, 10);
        ArrivalSchedule s = ArrivalSchedule.of(ramp, 2 * S);
        assertThat(s.endNanos()).isEqualTo(3 * S);
        assertThat(s.rateAt(S)).isCloseTo(400, within(1e-6));
        assertThat(s.expectedArrivals(2 * S)).isCloseTo(800, within(1e-6));
    }

    @Test
    void poissonArrivalsAreSeededAndHaveTheRightMeanAndSpread() {
        ArrivalSchedule s = ArrivalSchedule.of(LoadModel.Open.constant(1000, Duration.ofSeconds(20), 10), 0);
        long[] gaps = new long[19_000];
        ArrivalSchedule.Cursor c = s.cursor(0, 1, true, 42);
        long prev = c.next();
        for (int i = 0; i < gaps.length; i++) {
            long t = c.next();
            gaps[i] = t - prev;
            prev = t;
        }
        double mean = java.util.Arrays.stream(gaps).average().orElseThrow();
        double var = java.util.Arrays.stream(gaps).mapToDouble(g -> (g - mean) * (g - mean)).sum() / gaps.length;
        assertThat(mean).isCloseTo(1e6, within(0.05e6));
        assertThat(Math.sqrt(var)).isCloseTo(1e6, within(0.1e6)); // exponential: sd = mean
        ArrivalSchedule.Cursor again = s.cursor(0, 1, true, 42);
        ArrivalSchedule.Cursor other = s.cursor(0, 1, true, 43);
        long first = s.cursor(0, 1, true, 42).next();
        assertThat(again.next()).isEqualTo(first);
        assertThat(other.next()).isNotEqualTo(first);
    }
}
