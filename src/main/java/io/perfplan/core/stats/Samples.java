package io.perfplan.core.stats;

import java.util.Arrays;

/**
 * Input checks and order statistics shared by the statistics in this package. Values are unit-free
 * doubles: callers pass them in the metric's own unit and read results back in that unit.
 */
final class Samples {

    private Samples() {
    }

    /** Rejects null, empty or non-finite input with a sentence naming the argument. */
    static void requireFinite(double[] values, String what) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException(what + " has no values; pass at least one measured value.");
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(what + " holds " + values[i] + " at index " + i
                        + "; remove values that are not finite numbers before computing statistics.");
            }
        }
    }

    static double[] sortedCopy(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted;
    }

    /** Median of a sorted array: the mean of the two middle values when the count is even. */
    static double medianOfSorted(double[] sorted) {
        int n = sorted.length;
        int mid = n >>> 1;
        return (n & 1) == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }

    /**
     * Median of the first {@code n} values of {@code work}, reordering them; expected O(n) by
     * quickselect, used by the bootstrap where a full sort per resample would dominate.
     */
    static double medianInPlace(double[] work, int n) {
        int mid = n >>> 1;
        double upper = select(work, 0, n - 1, mid);
        if ((n & 1) == 1) {
            return upper;
        }
        // after selecting mid, everything left of it is <= work[mid]: the lower middle is their max
        double lower = work[0];
        for (int i = 1; i < mid; i++) {
            if (work[i] > lower) {
                lower = work[i];
            }
        }
        return (lower + upper) / 2.0;
    }

    private static double select(double[] a, int left, int right, int k) {
        while (right > left) {
            // median-of-three pivot keeps sorted and reversed inputs linear
            int mid = (left + right) >>> 1;
            if (a[mid] < a[left]) swap(a, mid, left);
            if (a[right] < a[left]) swap(a, right, left);
            if (a[right] < a[mid]) swap(a, right, mid);
            double pivot = a[mid];
            int i = left;
            int j = right;
            while (i <= j) {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) {
                    swap(a, i, j);
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                right = j;
            } else if (k >= i) {
                left = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    private static void swap(double[] a, int i, int j) {
        double t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
