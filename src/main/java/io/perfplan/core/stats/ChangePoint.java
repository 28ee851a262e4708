package io.perfplan.core.stats;

/**
 * A lasting shift in the level of a series, found by {@link ChangePoints}.
 *
 * @param index zero-based index of the first value after the shift (the new level starts here)
 * @param pValue permutation p-value of the shift between its neighbouring change points
 * @param meanBefore mean of the values from the previous change point (or the start) up to {@code index}
 * @param meanAfter mean of the values from {@code index} up to the next change point (or the end)
 */
public record ChangePoint(int index, double pValue, double meanBefore, double meanAfter) {

    /** Relative change of the mean, {@code meanAfter / meanBefore - 1}; infinite when meanBefore is 0. */
    public double change() {
        return Bootstrap.ratio(meanAfter, meanBefore) - 1;
    }
}
