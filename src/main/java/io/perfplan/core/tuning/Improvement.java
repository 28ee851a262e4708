package io.perfplan.core.tuning;

import io.perfplan.core.stats.Alternative;
import io.perfplan.core.stats.Bootstrap;
import io.perfplan.core.stats.Interval;
import io.perfplan.core.stats.MannWhitney;
import java.util.Locale;

/**
 * Whether a candidate configuration is really better than the current one, judged on per-run samples
 * of both (ideally measured interleaved, after the search, so neither the winner's luck in the search
 * nor a drift of the machine favours it).
 *
 * <p>{@code improvement} is the relative gain of the objective's statistic ({@link Objective#improvement});
 * {@code pValue} is a one-sided Mann-Whitney U test that the candidate's runs tend to be better;
 * {@code lower}/{@code upper} bound the improvement of the medians (seeded 95% bootstrap of the median
 * ratio). The candidate is {@code accepted} when {@code pValue < alpha} and
 * {@code improvement >= minImprovement}.
 */
public record Improvement(double improvement, double lower, double upper, double pValue, boolean significant,
                          boolean accepted, String explanation) {

    /** Fewest runs per side for a test; with fewer, nothing is accepted. */
    public static final int MIN_RUNS = 3;

    /**
     * Fewest runs a side with which the test can reach {@code p < alpha} at all: with n runs each, the
     * smallest one-sided p-value (complete separation, no ties) is 1 / C(2n, n).
     */
    public static int minRunsPerSide(double alpha) {
        int n = MIN_RUNS;
        while (1 / binomial(2 * n, n) >= alpha) {
            n++;
        }
        return n;
    }

    private static double binomial(int n, int k) {
        double c = 1;
        for (int i = 1; i <= k; i++) {
            c = c * (n - k + i) / i;
        }
        return c;
    }

    /**
     * @param minImprovement smallest relative gain worth applying, as a fraction (0.05 for 5%), at least 0
     * @param alpha          significance level of the one-sided test, in (0, 0.5)
     */
    public static Improvement test(double[] current, double[] candidate, Objective objective, double minImprovement,
                                   double alpha, long seed) {
        if (!(minImprovement >= 0)) {
            throw new IllegalArgumentException("min_improvement must be 0% or more, not " + minImprovement * 100 + "%.");
        }
        if (!(alpha > 0 && alpha < 0.5)) {
            throw new IllegalArgumentException("alpha " + alpha + " must lie between 0 and 0.5, e.g. 0.01.");
        }
        if (current.length < MIN_RUNS || candidate.length < MIN_RUNS) {
            return new Improvement(Double.NaN, Double.NaN, Double.NaN, Double.NaN, false, false, String.format(Locale.ROOT,
                    "Only %d runs of the current and %d of the best configuration; at least %d each are needed to test "
                            + "the improvement, so raise repeats.", current.length, candidate.length, MIN_RUNS));
        }
        boolean minimize = objective.goal() == Objective.Goal.MINIMIZE;
        double gain = objective.improvement(objective.value(current), objective.value(candidate));
        double p = MannWhitney.test(candidate, current, minimize ? Alternative.LESS : Alternative.GREATER).pValue();
        Interval ratio = Bootstrap.withSeed(seed).medianRatio(current, candidate);
        double lower = minimize ? 1 - ratio.upper() : ratio.lower() - 1;
        double upper = minimize ? 1 - ratio.lower() : ratio.upper() - 1;
        boolean significant = p < alpha;
        boolean big = gain >= minImprovement;
        String numbers = String.format(Locale.ROOT, "%s improvement of %s (95%% interval of the medians %s to %s), "
                        + "Mann-Whitney p = %s", objective.statistic().name().toLowerCase(Locale.ROOT), percent(gain),
                percent(lower), percent(upper), number(p));
        String why;
        if (Double.isNaN(gain)) {
            why = "The current configuration's objective is not positive, so no relative improvement can be computed; "
                    + "nothing is applied.";
        } else if (significant && big) {
            why = "Accepted: " + numbers + " < alpha " + number(alpha) + ", at least the " + percent(minImprovement) + " required.";
        } else if (!significant) {
            why = "Rejected: " + numbers + " is not below alpha " + number(alpha) + ", so the gain may be noise.";
        } else {
            why = "Rejected: " + numbers + " is significant but smaller than the " + percent(minImprovement) + " required.";
        }
        return new Improvement(gain, lower, upper, p, significant, significant && big, why);
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "n/a" : String.format(Locale.ROOT, "%+.1f%%", fraction * 100).replace(".0%", "%");
    }

    private static String number(double v) {
        return v < 0.001 && v > 0 ? String.format(Locale.ROOT, "%.2e", v) : String.format(Locale.ROOT, "%.4g", v);
    }
}
