package io.perfplan.core.stats;

/**
 * The verdict of one regression check with the numbers behind it. Changes are relative:
 * {@code candidate / baseline - 1} (+0.12 is 12% higher than the baseline), whatever the metric's
 * direction; absolute values are in the metric's unit.
 *
 * @param verdict PASS, FAIL, INCONCLUSIVE or NO_DATA
 * @param evidence what was compared
 * @param baseline the baseline's median (samples) or mean of the window (single values); NaN without data
 * @param candidate the candidate's median (samples) or its single value; NaN without data
 * @param change {@code candidate / baseline - 1}; infinite when the baseline is 0, NaN without data
 * @param changeLower lower bound of the change: bootstrap interval of the median ratio minus 1
 *     (samples), or the lower prediction bound over the mean minus 1 (single values)
 * @param changeUpper upper bound of the change, likewise
 * @param limit the value in the metric's unit beyond which the candidate counts as worse than the
 *     tolerance allows: baseline × (1 ± tolerance) for samples, the prediction bound widened by
 *     tolerance × |mean| for a single value
 * @param pValue the p-value the verdict was decided on, Holm-adjusted after
 *     {@link RegressionGate#adjustAcrossMetrics}; NaN without data
 * @param rawPValue the p-value of this check alone
 * @param comparisons how many checks the Holm adjustment spanned (1 when not adjusted)
 * @param explanation one sentence for the user saying why the verdict is what it is
 * @param settings the settings the check ran with
 */
public record RegressionResult(Verdict verdict, Evidence evidence, double baseline, double candidate, double change,
                               double changeLower, double changeUpper, double limit, double pValue, double rawPValue,
                               int comparisons, String explanation, GateSettings settings) {

    /** What a regression check compared. */
    public enum Evidence {
        /** Samples on both sides: one-sided Mann-Whitney U and a bootstrap interval of the median ratio. */
        SAMPLES,
        /** One candidate value against a window of earlier single values: a t prediction interval. */
        SINGLE_VALUE
    }

    public boolean failed() {
        return verdict == Verdict.FAIL;
    }
}
