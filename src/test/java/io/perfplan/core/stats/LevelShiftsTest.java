package io.perfplan.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LevelShiftsTest {

    private static double[] steps(long seed, int before, double levelBefore, int after, double levelAfter) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] s = new double[before + after];
        for (int i = 0; i < s.length; i++) {
            s[i] = (i < before ? levelBefore : levelAfter) * (1 + 0.02 * random.nextGaussian());
        }
        return s;
    }

    @Test
    void currentLevelStartsAtTheLastChangePoint() {
        double[] series = steps(7, 25, 100, 15, 140);
        double[] level = LevelShifts.currentLevel(series, ChangePoints.Settings.defaults());
        assertThat(level).hasSize(15);
        assertThat(level[0]).isEqualTo(series[25]);
        double[] flat = steps(8, 30, 100, 0, 0);
        assertThat(LevelShifts.currentLevel(flat, ChangePoints.Settings.defaults())).containsExactly(flat);
    }

    @Test
    void eachShiftIsConfirmedByExactlyOneNewRun() {
        ChangePoints.Settings settings = ChangePoints.Settings.defaults();
        for (long s = 1; s <= 10; s++) {
            long seed = s;
            // 30 runs at one level, then 8 at a level 30% higher; ask after each run, as validate does
            double[] all = steps(seed, 30, 100, 8, 130);
            java.util.List<Integer> confirmedAt = new java.util.ArrayList<>();
            for (int n = 6; n <= all.length; n++) {
                int at = n;
                LevelShifts.confirmedByNewest(java.util.Arrays.copyOf(all, n), settings).ifPresent(cp -> {
                    assertThat(cp.index()).as("seed %d", seed).isBetween(29, 31);
                    assertThat(cp.change()).isBetween(0.2, 0.4);
                    confirmedAt.add(at);
                });
            }
            assertThat(confirmedAt).as("seed %d", seed).hasSize(1);
            assertThat(confirmedAt.get(0)).as("confirmed within a few runs of the shift, seed %d", seed).isBetween(32, 35);
            assertThat(LevelShifts.confirmedByNewest(steps(seed, 38, 100, 0, 0), settings)).as("no shift, seed %d", seed).isEmpty();
        }
    }
}
