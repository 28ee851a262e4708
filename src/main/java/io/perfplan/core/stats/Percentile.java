package io.perfplan.core.stats;

/**
 * Percentiles by linear interpolation between closest ranks (Hyndman and Fan type 7, the default of
 * NumPy, R and spreadsheet {@code PERCENTILE.INC}): with the n values sorted, the p-th percentile
 * sits at zero-based position {@code h = (n - 1) * p / 100} and is
 * {@code x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)])}. So p = 0 is the minimum,
 * p = 100 the maximum and p = 50 the median. Values are unit-free; the result is in their unit.
 */
public final class Percentile {

    private Percentile() {
    }

    /**
     * The {@code percent}-th percentile of {@code values} (which are not modified).
     *
     * @param values at least one finite value
     * @param percent between 0 and 100 inclusive
     */
    public static double of(double[] values, double percent) {
        Samples.requireFinite(values, "The sample");
        return ofSorted(Samples.sortedCopy(values), percent);
    }

    /** As {@link #of} for values already sorted ascending (not checked), without copying. */
    public static double ofSorted(double[] sorted, double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("Percentile " + percent
                    + " is out of range; give a percent between 0 and 100.");
        }
        if (sorted.length == 0) {
            throw new IllegalArgumentException("The sample has no values; pass at least one measured value.");
        }
        double h = (sorted.length - 1) * percent / 100.0;
        int lo = (int) Math.floor(h);
        if (lo >= sorted.length - 1) {
            return sorted[sorted.length - 1];
        }
        double fraction = h - lo;
        if (fraction == 0 || sorted[lo] == sorted[lo + 1]) {
            return sorted[lo]; // also keeps infinite values (bootstrap ratios over a zero median) out of NaN
        }
        return sorted[lo] + fraction * (sorted[lo + 1] - sorted[lo]);
    }
}
