package io.perfplan.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Reference p-values come from SciPy 1.17.1, {@code scipy.stats.mannwhitneyu(x, y,
 * alternative=..., method=...)} with the default {@code use_continuity=True}; the method named in
 * each test is the one this class must choose for that input. Small no-tie cases are also checked
 * against a brute-force enumeration of every arrangement.
 */
class MannWhitneyTest {

    private static void assertReference(double[] x, double[] y, MannWhitney.Method method, double u,
                                        double greater, double less, double twoSided) {
        MannWhitney g = MannWhitney.test(x, y, Alternative.GREATER);
        MannWhitney l = MannWhitney.test(x, y, Alternative.LESS);
        MannWhitney t = MannWhitney.test(x, y, Alternative.TWO_SIDED);
        assertThat(g.method()).isEqualTo(method);
        assertThat(g.u()).isEqualTo(u);
        assertThat(l.u()).isEqualTo(u);
        assertThat(g.pValue()).isCloseTo(greater, within(1e-9));
        assertThat(l.pValue()).isCloseTo(less, within(1e-9));
        assertThat(t.pValue()).isCloseTo(twoSided, within(1e-9));
    }

    @Test
    void matchesScipyExactForSmallSamples() {
        // method='exact'
        assertReference(new double[] {1.1, 2.3, 3.5, 4.2, 5.9}, new double[] {0.5, 1.7, 2.8},
                MannWhitney.Method.EXACT, 12, 0.125, 0.9285714285714286, 0.25);
        assertReference(new double[] {19, 22, 16, 29, 24}, new double[] {20, 11, 17, 12},
                MannWhitney.Method.EXACT, 17, 0.05555555555555555, 0.9682539682539683, 0.1111111111111111);
    }

    @Test
    void matchesScipyExactForMediumSamples() {
        // method='exact' (SciPy's 'auto' would switch to the approximation here; this class stays exact up to 50)
        double[] x = {7.431, 10.961, 8.995, 12.592, 8.263, 13.359, 9.534, 9.866, 9.081, 9.689, 9.431, 12.063};
        double[] y = {11.532, 10.873, 11.007, 9.631, 14.797, 11.146, 13.666, 11.424, 13.843, 11.335, 11.116,
                13.819, 11.447, 9.719, 9.7};
        assertReference(x, y, MannWhitney.Method.EXACT, 41, 0.9930642561548471, 0.008042287501164874,
                0.016084575002329748);

        double[] x30 = {87.9792, 92.7465, 101.8566, 113.5774, 109.1096, 91.2881, 93.1996, 117.1608, 101.0241,
                108.5062, 104.2586, 112.8637, 84.6023, 117.8332, 120.2218, 67.4674, 90.6335, 81.6407, 105.5051,
                105.3626, 95.4874, 103.9973, 99.222, 110.3742, 105.3491, 97.5218, 89.7387, 93.1384, 88.0742, 95.0178};
        double[] y40 = {111.6205, 107.8492, 92.804, 91.4273, 75.665, 95.7029, 109.9984, 103.4108, 110.314,
                108.179, 120.0075, 82.1869, 109.4998, 117.2413, 96.4043, 118.1793, 106.8984, 115.9449, 113.2974,
                102.9543, 125.8298, 107.7564, 100.4198, 97.7296, 115.0551, 100.4553, 102.5923, 105.8418, 108.5758,
                100.789, 117.8683, 86.6446, 115.0586, 108.1742, 118.2033, 104.7659, 112.3719, 97.8365, 120.8, 80.6016};
        assertReference(x30, y40, MannWhitney.Method.EXACT, 419, 0.9846967689243872, 0.015778242595883715,
                0.03155648519176743);
    }

    @Test
    void matchesScipyNormalApproximationWithTies() {
        // method='asymptotic': tie-corrected variance and continuity correction
        assertReference(new double[] {1, 2, 2, 3, 3, 3, 4, 5}, new double[] {2, 3, 4, 4, 5, 6, 6, 7},
                MannWhitney.Method.NORMAL, 13, 0.981177854684492, 0.024298717847262785, 0.04859743569452557);

        double[] x = {5, 3, 5, 1, 2, 4, 3, 0, 5, 1, 1, 1, 1, 2, 4, 2, 3, 2, 3, 4, 5, 2, 5, 5, 2};
        double[] y = {3, 6, 6, 3, 2, 5, 6, 3, 3, 1, 1, 5, 6, 3, 6, 3, 1, 1, 4, 2};
        assertReference(x, y, MannWhitney.Method.NORMAL, 197.5, 0.8907145479652852, 0.11369235579701364,
                0.2273847115940273);
    }

    @Test
    void matchesScipyNormalApproximationForLargeSamples() {
        // method='asymptotic': more than 50 values a side
        double[] x = {16.287, 25.8702, 35.8785, 17.2495, 40.9675, 16.6871, 13.9218, 23.8672, 17.442, 17.1363,
                18.0456, 28.5901, 22.5735, 22.5459, 20.5781, 16.8326, 30.8793, 30.959, 29.1179, 17.5746, 20.0237,
                18.078, 15.863, 18.6402, 30.5194, 21.4369, 25.6744, 23.2502, 27.8278, 24.318, 18.856, 23.5709,
                21.3447, 18.1452, 10.6489, 18.0784, 15.4502, 19.586, 23.2356, 25.043, 19.5386, 11.2534, 25.9501,
                22.6294, 20.0721, 18.1132, 18.8298, 25.6867, 18.5809, 12.5386, 15.1155, 20.9289, 27.7409, 10.9344,
                17.0044, 19.1641, 19.9582, 27.6688, 28.2795, 22.2148};
        double[] y = {31.9159, 18.1753, 20.805, 25.8209, 21.1501, 18.3738, 17.5844, 31.3259, 24.1695, 21.6456,
                19.3717, 18.4885, 15.9191, 18.6961, 19.4169, 19.7671, 15.6764, 49.2938, 16.4094, 25.097, 13.1243,
                28.9803, 31.4037, 32.2659, 23.5485, 32.5037, 25.8973, 17.2376, 24.2349, 23.2292, 20.2357, 28.0815,
                20.5984, 18.1668, 22.0567, 23.2609, 19.7393, 14.4045, 16.213, 21.7942, 10.8592, 26.6957, 14.7905,
                18.5955, 16.173, 19.7355, 16.1401, 26.9276, 20.8605, 25.1208, 19.4949, 13.9673, 15.84, 29.0154,
                20.4313, 21.9243, 21.8133, 14.2217, 18.343, 18.7441, 29.5119, 25.2071, 17.2247, 19.97, 16.9901,
                30.4154, 23.9366, 19.731, 24.9506, 17.84};
        assertReference(x, y, MannWhitney.Method.NORMAL, 2051, 0.5914094709064517, 0.410405496372914,
                0.820810992745828);
    }

    @Test
    void exactPValuesEqualBruteForceEnumeration() {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 40; trial++) {
            int n1 = 1 + random.nextInt(8);
            int n2 = 1 + random.nextInt(8);
            double[] x = new double[n1];
            double[] y = new double[n2];
            for (int i = 0; i < n1; i++) x[i] = random.nextDouble() + 0.3;
            for (int i = 0; i < n2; i++) y[i] = random.nextDouble();
            double u = countPairsGreater(x, y);
            // enumerate every way of choosing which n1 of the n pooled ranks belong to x
            int n = n1 + n2;
            long atLeast = 0;
            long atMost = 0;
            long total = 0;
            for (int mask = 0; mask < (1 << n); mask++) {
                if (Integer.bitCount(mask) != n1) continue;
                int rankSum = 0;
                for (int r = 0; r < n; r++) if ((mask & (1 << r)) != 0) rankSum += r + 1;
                double permutedU = rankSum - n1 * (n1 + 1) / 2.0;
                total++;
                if (permutedU >= u) atLeast++;
                if (permutedU <= u) atMost++;
            }
            MannWhitney greater = MannWhitney.test(x, y, Alternative.GREATER);
            MannWhitney less = MannWhitney.test(x, y, Alternative.LESS);
            assertThat(greater.method()).isEqualTo(MannWhitney.Method.EXACT);
            assertThat(greater.u()).isEqualTo(u);
            assertThat(greater.pValue()).isCloseTo(atLeast / (double) total, within(1e-12));
            assertThat(less.pValue()).isCloseTo(atMost / (double) total, within(1e-12));
        }
    }

    @Test
    void exactDistributionSumsToOneAndIsSymmetric() {
        double[] pmf = MannWhitney.exactDistribution(50, 50);
        double sum = 0;
        for (double p : pmf) sum += p;
        assertThat(sum).isCloseTo(1.0, within(1e-12));
        for (int u = 0; u < pmf.length; u++) {
            assertThat(pmf[u]).isCloseTo(pmf[pmf.length - 1 - u], within(1e-15));
        }
    }

    @Test
    void normalApproximationAgreesWithExactNearTheLimit() {
        SplittableRandom random = new SplittableRandom(11);
        for (int trial = 0; trial < 20; trial++) {
            double[] x = new double[50];
            double[] y = new double[50];
            for (int i = 0; i < 50; i++) {
                x[i] = random.nextDouble() + 0.1;
                y[i] = random.nextDouble();
            }
            MannWhitney exact = MannWhitney.test(x, y, Alternative.GREATER);
            MannWhitney.Ranking ranking = MannWhitney.Ranking.of(x, y);
            double normal = MannWhitney.normalUpperTail(exact.u(), 50, 50, ranking.tieTerm());
            assertThat(exact.method()).isEqualTo(MannWhitney.Method.EXACT);
            assertThat(normal).isCloseTo(exact.pValue(), within(0.002));
        }
    }

    @Test
    void allValuesTiedGivesPValueOne() {
        double[] same = {3, 3, 3, 3};
        for (Alternative alternative : Alternative.values()) {
            assertThat(MannWhitney.test(same, same, alternative).pValue()).isEqualTo(1.0);
        }
    }

    @Test
    void uStatisticsOfBothSidesAddUpToTheNumberOfPairs() {
        double[] x = {1, 2, 2, 5, 8, 8};
        double[] y = {2, 3, 8, 9};
        double u1 = MannWhitney.test(x, y, Alternative.GREATER).u();
        double u2 = MannWhitney.test(y, x, Alternative.GREATER).u();
        assertThat(u1 + u2).isEqualTo(24.0);
        assertThat(u1).isEqualTo(countPairsGreater(x, y));
    }

    private static double countPairsGreater(double[] x, double[] y) {
        double u = 0;
        for (double a : x) for (double b : y) u += a > b ? 1 : a == b ? 0.5 : 0;
        return u;
    }
}
