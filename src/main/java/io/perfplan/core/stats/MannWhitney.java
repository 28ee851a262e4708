package io.perfplan.core.stats;

import java.util.Arrays;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The Mann-Whitney U test (Wilcoxon rank-sum) of whether sample {@code x} tends to be greater or
 * less than sample {@code y}, computed as SciPy's {@code scipy.stats.mannwhitneyu} does.
 * {@code u} is U of {@code x}: the number of pairs with x &gt; y plus half the tied pairs, from
 * average ranks. The p-value is
 * <ul>
 *   <li>{@link Method#EXACT} when there are no ties and both samples have at most
 *   {@value #EXACT_MAX_SIZE} values: the exact null distribution of U (every arrangement of the
 *   ranks equally likely), computed by the recurrence of Mann and Whitney (1947) in probabilities;</li>
 *   <li>{@link Method#NORMAL} otherwise: the normal approximation with the tie-corrected variance
 *   {@code n1 n2 / 12 * ((n + 1) - sum(t^3 - t) / (n (n - 1)))} and a continuity correction of 0.5
 *   towards the mean.</li>
 * </ul>
 * SciPy's default switches to the approximation above 8 values a side; this class stays exact up
 * to {@value #EXACT_MAX_SIZE} because it is cheap there (under 2 M operations) and the approximation
 * errs most in the small tails a gate at alpha 0.01 looks at. Two-sided p-values are twice the
 * smaller one-sided tail, capped at 1. Values are unit-free and only their order matters.
 *
 * @param u U statistic of {@code x}
 * @param pValue p-value for the alternative, in [0, 1]
 * @param alternative the alternative tested
 * @param method how the p-value was computed
 * @param ties whether any value occurs more than once in the pooled samples
 */
public record MannWhitney(double u, double pValue, Alternative alternative, Method method, boolean ties) {

    /** Largest size of either sample for which the exact distribution is used (when there are no ties). */
    public static final int EXACT_MAX_SIZE = 50;

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

    /** How a p-value was computed. */
    public enum Method { EXACT, NORMAL }

    /**
     * Tests {@code x} against {@code y}.
     *
     * @param x first sample, e.g. the candidate; at least one finite value
     * @param y second sample, e.g. the baseline; at least one finite value
     * @param alternative {@link Alternative#GREATER} asks whether x tends to be greater than y
     */
    public static MannWhitney test(double[] x, double[] y, Alternative alternative) {
        Samples.requireFinite(x, "The first sample");
        Samples.requireFinite(y, "The second sample");
        int n1 = x.length;
        int n2 = y.length;
        Ranking ranking = Ranking.of(x, y);
        double u1 = ranking.rankSumOfFirst() - n1 * (n1 + 1) / 2.0;
        double u2 = (double) n1 * n2 - u1;
        double u;
        double factor = 1;
        switch (alternative) {
            case GREATER -> u = u1;
            case LESS -> u = u2;
            default -> {
                u = Math.max(u1, u2);
                factor = 2;
            }
        }
        boolean ties = ranking.tieTerm() > 0;
        Method method = !ties && n1 <= EXACT_MAX_SIZE && n2 <= EXACT_MAX_SIZE ? Method.EXACT : Method.NORMAL;
        double p = method == Method.EXACT
                ? exactUpperTail(n1, n2, (int) Math.round(u))
                : normalUpperTail(u, n1, n2, ranking.tieTerm());
        return new MannWhitney(u1, Math.min(1.0, Math.max(0.0, p * factor)), alternative, method, ties);
    }

    /** P(U &ge; u) under the normal approximation with tie correction and continuity correction. */
    static double normalUpperTail(double u, int n1, int n2, double tieTerm) {
        double n = n1 + (double) n2;
        double mean = n1 * (double) n2 / 2;
        double sd = Math.sqrt(n1 * (double) n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1))));
        double z = (u - mean - 0.5) / sd; // every value tied: sd = 0, z = -infinity, p = 1
        if (Double.isNaN(z)) {
            return 1.0;
        }
        return STANDARD_NORMAL.cumulativeProbability(-z);
    }

    /**
     * P(U &ge; u) for U of a sample of n1 against n2 with no ties. p(m, k, u) is the probability
     * that U = u for sizes m and k; the largest pooled value belongs to the first sample with
     * probability m / (m + k), adding k to U, else to the second:
     * {@code p(m, k, u) = m/(m+k) p(m-1, k, u-k) + k/(m+k) p(m, k-1, u)}.
     */
    static double exactUpperTail(int n1, int n2, int u) {
        double[] pmf = exactDistribution(n1, n2);
        int max = n1 * n2;
        if (u <= 0) {
            return 1.0;
        }
        if (u > max) {
            return 0.0;
        }
        double tail = 0;
        if (u > max / 2) {
            for (int k = max; k >= u; k--) {
                tail += pmf[k];
            }
            return tail;
        }
        for (int k = 0; k < u; k++) {
            tail += pmf[k];
        }
        return 1.0 - tail;
    }

    /** Probability of each U = 0..n1*n2 for samples of n1 and n2 values without ties. */
    static double[] exactDistribution(int n1, int n2) {
        double[][] previous = new double[n2 + 1][];
        for (int k = 0; k <= n2; k++) {
            previous[k] = new double[] {1.0}; // m = 0: U is always 0
        }
        for (int m = 1; m <= n1; m++) {
            double[][] current = new double[n2 + 1][];
            current[0] = new double[] {1.0};
            for (int k = 1; k <= n2; k++) {
                double[] row = new double[m * k + 1];
                double[] fromFirst = previous[k];      // sizes (m - 1, k), length (m - 1) k + 1
                double[] fromSecond = current[k - 1];  // sizes (m, k - 1), length m (k - 1) + 1
                double pFirst = m / (double) (m + k);
                double pSecond = k / (double) (m + k);
                for (int u = 0; u < row.length; u++) {
                    double a = u >= k ? fromFirst[u - k] : 0.0;
                    double b = u < fromSecond.length ? fromSecond[u] : 0.0;
                    row[u] = pFirst * a + pSecond * b;
                }
                current[k] = row;
            }
            previous = current;
        }
        return previous[n2];
    }

    /** Average ranks of the pooled samples, with the tie term sum(t^3 - t) over groups of t equal values. */
    record Ranking(double rankSumOfFirst, double tieTerm) {

        static Ranking of(double[] x, double[] y) {
            int n = x.length + y.length;
            double[] values = new double[n];
            boolean[] first = new boolean[n];
            System.arraycopy(x, 0, values, 0, x.length);
            System.arraycopy(y, 0, values, x.length, y.length);
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
                first[i] = i < x.length;
            }
            Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
            double rankSum = 0;
            double tieTerm = 0;
            int i = 0;
            while (i < n) {
                int j = i;
                while (j + 1 < n && values[order[j + 1]] == values[order[i]]) {
                    j++;
                }
                double averageRank = (i + j) / 2.0 + 1; // ranks are 1-based
                for (int k = i; k <= j; k++) {
                    if (first[order[k]]) {
                        rankSum += averageRank;
                    }
                }
                double t = j - i + 1;
                tieTerm += t * t * t - t;
                i = j + 1;
            }
            return new Ranking(rankSum, tieTerm);
        }
    }
}
