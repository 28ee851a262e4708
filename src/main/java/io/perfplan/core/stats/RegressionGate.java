package io.perfplan.core.stats;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether a candidate regressed against a baseline, in the way the {@code validate} gate
 * promises users (docs/statistics.md). Inputs are unit-free, non-negative measurements (times,
 * sizes, rates) in the metric's unit; ratios are candidate / baseline.
 *
 * <p><b>Samples on both sides</b> ({@link #compareSamples}): a one-sided Mann-Whitney U test in the
 * bad direction and a seeded bootstrap interval of the median ratio. The verdict is FAIL when the
 * test is significant ({@code p < alpha}) and the whole interval lies beyond the tolerance (for
 * lower-is-better: its lower bound above {@code 1 + tolerance}); INCONCLUSIVE when the test is
 * significant but the interval straddles the tolerance; PASS otherwise (not significant, or a real
 * change entirely within tolerance).
 *
 * <p><b>A single value against a window of earlier single values</b> ({@link #compareValue}):
 * FAIL when the value lies beyond the one-sided t prediction bound
 * {@code mean ± t(1 - alpha; n - 1) · s · sqrt(1 + 1/n)} widened by {@code tolerance · |mean|} in the
 * bad direction, else PASS. Its p-value is the t-probability of a value at least this far beyond
 * {@code mean ± tolerance · |mean|}, so FAIL is exactly {@code p < alpha}.
 *
 * <p>Fewer than {@code minSamples} values on a side (or in the window) gives NO_DATA. Several metrics
 * gated together are adjusted with {@link #adjustAcrossMetrics}.
 */
public final class RegressionGate {

    private RegressionGate() {
    }

    /**
     * Compares candidate samples with baseline samples (e.g. per-run wall times of two runs).
     * An empty or null side gives NO_DATA.
     *
     * @throws IllegalArgumentException when a value is negative, NaN or infinite
     */
    public static RegressionResult compareSamples(double[] baseline, double[] candidate, GateSettings settings) {
        int baselineCount = baseline == null ? 0 : baseline.length;
        int candidateCount = candidate == null ? 0 : candidate.length;
        if (baselineCount == 0) {
            return noData(RegressionResult.Evidence.SAMPLES, settings,
                    "There are no baseline samples yet, so nothing to compare with; a passing run can become the baseline.");
        }
        if (baselineCount < settings.minSamples() || candidateCount < settings.minSamples()) {
            return noData(RegressionResult.Evidence.SAMPLES, settings, "Only " + baselineCount + " baseline and "
                    + candidateCount + " candidate samples, fewer than min_samples " + settings.minSamples()
                    + " on a side, so no regression test was made.");
        }
        requireMeasurements(baseline, "The baseline sample");
        requireMeasurements(candidate, "The candidate sample");
        Alternative worse = settings.direction() == MetricDirection.LOWER_IS_BETTER ? Alternative.GREATER : Alternative.LESS;
        double p = MannWhitney.test(candidate, baseline, worse).pValue();
        Interval ratio = settings.bootstrap().medianRatio(baseline, candidate);
        double baselineMedian = Samples.medianOfSorted(Samples.sortedCopy(baseline));
        double candidateMedian = Samples.medianOfSorted(Samples.sortedCopy(candidate));
        double limit = baselineMedian * (1 + sign(settings) * settings.tolerance());
        return decide(RegressionResult.Evidence.SAMPLES, baselineMedian, candidateMedian, ratio.estimate() - 1,
                ratio.lower() - 1, ratio.upper() - 1, limit, p, p, 1, settings);
    }

    /**
     * Compares one candidate value with a window of earlier single values (e.g. the p99 latency of
     * each of the last N passed runs). An empty or null window gives NO_DATA.
     *
     * @throws IllegalArgumentException when a value is negative, NaN or infinite
     */
    public static RegressionResult compareValue(double[] baselineWindow, double candidate, GateSettings settings) {
        int count = baselineWindow == null ? 0 : baselineWindow.length;
        if (count == 0) {
            return noData(RegressionResult.Evidence.SINGLE_VALUE, settings,
                    "There are no baseline values yet, so nothing to compare with; a passing run can become the baseline.");
        }
        if (count < settings.minSamples()) {
            return noData(RegressionResult.Evidence.SINGLE_VALUE, settings, "Only " + count
                    + " earlier values in the baseline window, fewer than min_samples " + settings.minSamples()
                    + ", so no regression test was made.");
        }
        requireMeasurements(baselineWindow, "The baseline window");
        requireMeasurements(new double[] {candidate}, "The candidate value");
        PredictionInterval interval = PredictionInterval.of(baselineWindow, settings.alpha());
        double mean = interval.mean();
        double allowance = settings.tolerance() * Math.abs(mean);
        boolean lowerIsBetter = settings.direction() == MetricDirection.LOWER_IS_BETTER;
        // shifting the value back by the allowance turns "beyond the widened bound" into "p < alpha"
        double shifted = lowerIsBetter ? candidate - allowance : candidate + allowance;
        double p = interval.pValue(shifted, lowerIsBetter ? Alternative.GREATER : Alternative.LESS);
        double limit = lowerIsBetter ? interval.upper() + allowance : interval.lower() - allowance;
        return decide(RegressionResult.Evidence.SINGLE_VALUE, mean, candidate, Bootstrap.ratio(candidate, mean) - 1,
                Bootstrap.ratio(interval.lower(), mean) - 1, Bootstrap.ratio(interval.upper(), mean) - 1,
                limit, p, p, 1, settings);
    }

    /**
     * Applies Holm's adjustment to the p-values of several checks gated together (each metric of
     * one {@code regression} block) and decides each again with its adjusted p-value, so the chance
     * of any false FAIL stays at most alpha. NO_DATA results are passed through and not counted.
     * Results keep their order; each keeps its own raw p-value in {@code rawPValue}.
     */
    public static List<RegressionResult> adjustAcrossMetrics(List<RegressionResult> results) {
        List<Integer> tested = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).verdict() != Verdict.NO_DATA) {
                tested.add(i);
            }
        }
        double[] raw = new double[tested.size()];
        for (int k = 0; k < raw.length; k++) {
            raw[k] = results.get(tested.get(k)).rawPValue();
        }
        double[] adjusted = Holm.adjust(raw);
        List<RegressionResult> out = new ArrayList<>(results);
        for (int k = 0; k < raw.length; k++) {
            RegressionResult r = results.get(tested.get(k));
            out.set(tested.get(k), decide(r.evidence(), r.baseline(), r.candidate(), r.change(), r.changeLower(),
                    r.changeUpper(), r.limit(), adjusted[k], r.rawPValue(), raw.length, r.settings()));
        }
        return List.copyOf(out);
    }

    private static RegressionResult decide(RegressionResult.Evidence evidence, double baseline, double candidate,
                                           double change, double lower, double upper, double limit,
                                           double p, double rawP, int comparisons, GateSettings s) {
        Verdict verdict;
        String why;
        String pText = (comparisons > 1 ? "Holm-adjusted p = " : "p = ") + number(p);
        String interval = percent(s.confidence() * 100, false) + " interval " + percent(lower * 100, true)
                + " to " + percent(upper * 100, true);
        String tolerance = percent(s.tolerance() * 100, false) + " tolerance";
        boolean significant = p < s.alpha();
        if (evidence == RegressionResult.Evidence.SINGLE_VALUE) {
            String range = "the baseline window (mean " + number(baseline) + ", limit " + number(limit)
                    + " with the " + tolerance + ")";
            if (significant) {
                verdict = Verdict.FAIL;
                why = "The value " + number(candidate) + " (" + percent(change * 100, true) + ") lies beyond the limit of "
                        + range + ", " + pText + " < alpha " + number(s.alpha()) + ".";
            } else {
                verdict = Verdict.PASS;
                why = "The value " + number(candidate) + " (" + percent(change * 100, true) + ") is within the limit of "
                        + range + ", " + pText + ".";
            }
            return new RegressionResult(verdict, evidence, baseline, candidate, change, lower, upper, limit, p, rawP,
                    comparisons, why, s);
        }
        double sign = sign(s);
        // distance past the tolerance in the bad direction: positive means worse than tolerated
        double nearBound = sign * (sign > 0 ? lower : upper) - s.tolerance();
        double farBound = sign * (sign > 0 ? upper : lower) - s.tolerance();
        String medians = "The median moved from " + number(baseline) + " to " + number(candidate) + " ("
                + percent(change * 100, true) + ", " + interval + ")";
        String worse = sign > 0 ? "rise" : "fall";
        String test = "Mann-Whitney " + pText + (significant ? " < " : " >= ") + "alpha " + number(s.alpha());
        if (!significant) {
            verdict = Verdict.PASS;
            why = medians + ", which is not a significant " + worse + " (" + test + ").";
        } else if (nearBound > 0) {
            verdict = Verdict.FAIL;
            why = medians + ", a significant " + worse + " (" + test + ") whose whole interval lies beyond the "
                    + tolerance + ".";
        } else if (farBound > 0) {
            verdict = Verdict.INCONCLUSIVE;
            why = medians + ", a significant " + worse + " (" + test + ") whose interval straddles the "
                    + tolerance + "; collect more samples to decide.";
        } else {
            verdict = Verdict.PASS;
            why = medians + ", a significant " + worse + " (" + test + ") but one whose whole interval lies within the "
                    + tolerance + ".";
        }
        return new RegressionResult(verdict, evidence, baseline, candidate, change, lower, upper, limit, p, rawP,
                comparisons, why, s);
    }

    private static RegressionResult noData(RegressionResult.Evidence evidence, GateSettings s, String why) {
        double nan = Double.NaN;
        return new RegressionResult(Verdict.NO_DATA, evidence, nan, nan, nan, nan, nan, nan, nan, nan, 1, why, s);
    }

    /** +1 when a rise is a regression, -1 when a fall is. */
    private static double sign(GateSettings s) {
        return s.direction() == MetricDirection.LOWER_IS_BETTER ? 1 : -1;
    }

    private static void requireMeasurements(double[] values, String what) {
        Samples.requireFinite(values, what);
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0) {
                throw new IllegalArgumentException(what + " holds the negative value " + values[i] + " at index " + i
                        + "; regression checks compare non-negative measurements such as times, sizes or rates.");
            }
        }
    }

    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return String.valueOf(value);
        }
        double magnitude = Math.abs(value);
        if (magnitude != 0 && (magnitude < 0.001 || magnitude >= 1e7)) {
            return String.format(Locale.ROOT, "%.2e", value);
        }
        return new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static String percent(double value, boolean signed) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "+inf%" : "-inf%";
        }
        if (Double.isNaN(value)) {
            return "n/a";
        }
        String text = String.format(Locale.ROOT, signed ? "%+.1f%%" : "%.1f%%", value);
        return text.replace(".0%", "%");
    }
}
