package io.perfplan.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HolmTest {

    @Test
    void adjustsAWorkedExampleAndKeepsTheInputOrder() {
        // sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04 -> running max 0.02, 0.03, 0.06, 0.06
        double[] adjusted = Holm.adjust(new double[] {0.01, 0.04, 0.03, 0.005});
        assertThat(adjusted[0]).isCloseTo(0.03, within(1e-12));
        assertThat(adjusted[1]).isCloseTo(0.06, within(1e-12));
        assertThat(adjusted[2]).isCloseTo(0.06, within(1e-12));
        assertThat(adjusted[3]).isCloseTo(0.02, within(1e-12));
    }

    @Test
    void capsAtOneAndHandlesEmptyAndSingleInput() {
        assertThat(Holm.adjust(new double[] {0.6, 0.7})).containsExactly(1.0, 1.0);
        assertThat(Holm.adjust(new double[0])).isEmpty();
        assertThat(Holm.adjust(new double[] {0.02})).containsExactly(0.02);
    }

    @Test
    void adjustedValuesAreNeverSmallerAndFollowTheStepDownRule() {
        SplittableRandom random = new SplittableRandom(9);
        for (int trial = 0; trial < 300; trial++) {
            double[] p = new double[1 + random.nextInt(8)];
            for (int i = 0; i < p.length; i++) p[i] = random.nextDouble() * random.nextDouble();
            double[] adjusted = Holm.adjust(p);
            double alpha = 0.05;
            // step-down: reject sorted hypotheses while p(i) <= alpha / (m - i + 1)
            Integer[] order = new Integer[p.length];
            for (int i = 0; i < p.length; i++) order[i] = i;
            java.util.Arrays.sort(order, (a, b) -> Double.compare(p[a], p[b]));
            boolean stillRejecting = true;
            for (int rank = 0; rank < p.length; rank++) {
                int i = order[rank];
                stillRejecting = stillRejecting && p[i] < alpha / (p.length - rank);
                assertThat(adjusted[i] < alpha).isEqualTo(stillRejecting);
                assertThat(adjusted[i]).isGreaterThanOrEqualTo(p[i]).isLessThanOrEqualTo(1.0);
            }
        }
    }
}
