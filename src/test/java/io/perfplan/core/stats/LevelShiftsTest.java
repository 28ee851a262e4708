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
    void aShiftIsRecentOnlyWhileItStartsAmongTheNewestRuns() {
        ChangePoints.Settings settings = ChangePoints.Settings.defaults();
        int seen = 0;
        for (long seed = 1; seed <= 20; seed++) {
            // 30 runs at one level, then 3 at a level 30% higher: the shift starts at the third-newest run
            if (LevelShifts.recentShift(steps(seed, 30, 100, 3, 130), settings).map(ChangePoint::index).orElse(-1) == 30) {
                seen++;
            }
            assertThat(LevelShifts.recentShift(steps(seed, 30, 100, 10, 130), settings)).as("an old shift, seed %d", seed).isEmpty();
            assertThat(LevelShifts.recentShift(steps(seed, 33, 100, 0, 0), settings)).as("no shift, seed %d", seed).isEmpty();
        }
        assertThat(seen).as("fresh 30%% shifts flagged in 20 seeded series").isGreaterThanOrEqualTo(19);
    }
}
