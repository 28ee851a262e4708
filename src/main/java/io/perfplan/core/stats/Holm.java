package io.perfplan.core.stats;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Holm's step-down adjustment of p-values for testing several hypotheses at once, which keeps the
 * chance of any false alarm at most alpha. With the m p-values sorted ascending, the i-th
 * (1-based) becomes {@code min(1, max over j <= i of (m - j + 1) p(j))}; a hypothesis is rejected
 * at level alpha exactly when its adjusted p-value is below alpha.
 */
public final class Holm {

    private Holm() {
    }

    /**
     * Adjusted p-values in the order of the input (which is not modified).
     *
     * @param pValues p-values in [0, 1]; an empty array gives an empty result
     */
    public static double[] adjust(double[] pValues) {
        int m = pValues.length;
        for (double p : pValues) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("p-value " + p + " is not between 0 and 1; pass the tests' p-values unchanged.");
            }
        }
        Integer[] order = new Integer[m];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> pValues[i]));
        double[] adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            int index = order[rank];
            running = Math.max(running, Math.min(1.0, (m - rank) * pValues[index]));
            adjusted[index] = running;
        }
        return adjusted;
    }
}
