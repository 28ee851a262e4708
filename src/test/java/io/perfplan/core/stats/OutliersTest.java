package io.perfplan.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OutliersTest {

    @Test
    void flagsAValueFarFromTheMedianWithItsIndexAndAWarning() {
        double[] wall = {100, 102, 99, 101, 98, 100, 103, 250, 97, 101};
        Outliers outliers = Outliers.of(wall);
        assertThat(outliers.indices()).containsExactly(7);
        assertThat(outliers.warning()).hasValueSatisfying(w ->
                assertThat(w).contains("1 of 10").contains("index 7").endsWith("."));
        // median 100.5, MAD 1.5: z = 0.6745 * (250 - 100.5) / 1.5
        assertThat(outliers.scores().get(7)).isCloseTo(0.6745 * 149.5 / 1.5, within(1e-9));
    }

    @Test
    void flagsLowOutliersToo() {
        Outliers outliers = Outliers.of(new double[] {50, 51, 49, 50, 52, 48, 5, 120});
        assertThat(outliers.indices()).containsExactly(6, 7);
        assertThat(outliers.warning()).hasValue("2 of 8 values (indices 6, 7) are outliers (modified z-score beyond 3.5),"
                + " so something disturbed those runs; check for background load or add warm-up runs.");
    }

    @Test
    void normalNoiseRarelyHasOutliers() {
        SplittableRandom random = new SplittableRandom(5);
        int flagged = 0;
        int total = 0;
        for (int trial = 0; trial < 200; trial++) {
            double[] values = new double[30];
            for (int i = 0; i < values.length; i++) values[i] = 100 + 5 * gaussian(random);
            flagged += Outliers.of(values).indices().size();
            total += values.length;
        }
        // about 0.05% of normal values have |modified z| > 3.5; allow ten times that
        assertThat(flagged / (double) total).isLessThan(0.005);
    }

    @Test
    void usesTheMeanDeviationWhenMostValuesEqualTheMedian() {
        double[] values = {10, 10, 10, 10, 10, 10, 11, 40};
        Outliers outliers = Outliers.of(values);
        assertThat(outliers.indices()).containsExactly(7);
        assertThat(outliers.scores().get(6)).isLessThan(3.5);
    }

    @Test
    void identicalValuesHaveNoOutliers() {
        Outliers outliers = Outliers.of(new double[] {4, 4, 4, 4});
        assertThat(outliers.any()).isFalse();
        assertThat(outliers.warning()).isEmpty();
    }

    static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
