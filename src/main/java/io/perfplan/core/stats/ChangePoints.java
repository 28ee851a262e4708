package io.perfplan.core.stats;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Change points in a series by E-divisive means (Matteson and James, 2014) with a permutation
 * significance test, organised as in Hunter/Otava: E-divisive runs in sliding windows of
 * {@code window} values that advance by half a window, and the candidates of all windows are then
 * pruned one by one, weakest first, until every survivor is significant against its neighbours and
 * at least {@code minMagnitude} in relative size. Values are unit-free; the series is in time order.
 *
 * <p>Within a segment of m values, the statistic of a split at τ is the energy divergence
 * {@code Q(τ) = τ(m-τ)/m · (2/(τ(m-τ)) Σ|x-y| - 2/(τ(τ-1)) Σ|x-x'| - 2/((m-τ)(m-τ-1)) Σ|y-y'|)}
 * over the values x before and y after τ, with both sides at least 2 values (so a change needs two
 * values after it to be seen). E-divisive splits at the best τ when a permutation test finds it
 * significant: each segment's values are shuffled {@code permutations} times and p is
 * {@code (1 + #(max Q of the shuffle >= observed)) / (1 + permutations)}, so the smallest p-value
 * possible is {@code 1 / (permutations + 1)}. The pruning test compares a candidate's Q between
 * its neighbours (at most {@code window} values on each side) with the best Q of shuffles of that
 * stretch. Every shuffle is drawn from a generator seeded by {@code seed} and the stretch's
 * position, so results do not vary between calls. Cost is about
 * {@code permutations × window²} distance evaluations per test; a non-significant test stops early.
 */
public final class ChangePoints {

    private ChangePoints() {
    }

    /**
     * How change points are searched.
     *
     * @param window values per E-divisive window and per side of a pruning test, at least 8 (default 50)
     * @param maxPValue largest p-value of a reported change point, in (0, 1) (default 0.001)
     * @param minMagnitude smallest relative change of the mean to report, 0 or more (0.05 is 5%)
     * @param permutations shuffles per significance test, 99 to 100,000 (default 999); must allow
     *     {@code 1 / (permutations + 1) <= maxPValue}
     * @param seed seed of the shuffles
     */
    public record Settings(int window, double maxPValue, double minMagnitude, int permutations, long seed) {

        public Settings {
            if (window < 8) {
                throw new IllegalArgumentException("Change-point window " + window + " is too small; use at least 8 values (50 is usual).");
            }
            if (!(maxPValue > 0 && maxPValue < 1)) {
                throw new IllegalArgumentException("Change-point p-value " + maxPValue + " must lie between 0 and 1, e.g. 0.001.");
            }
            if (!(minMagnitude >= 0)) {
                throw new IllegalArgumentException("Minimum change magnitude " + minMagnitude + " must be 0 or more, e.g. 0.05 for 5%.");
            }
            if (permutations < 99 || permutations > 100_000) {
                throw new IllegalArgumentException("Permutations " + permutations + " is out of range; use 99 to 100000 (999 is usual).");
            }
            if (1.0 / (permutations + 1) > maxPValue) {
                throw new IllegalArgumentException(permutations + " permutations cannot show a p-value of " + maxPValue
                        + "; use at least " + (long) Math.ceil(1 / maxPValue - 1) + " permutations or a larger p-value.");
            }
        }

        /** Window 50, p-value 0.001, no minimum magnitude, 999 permutations, seed 1. */
        public static Settings defaults() {
            return new Settings(50, 0.001, 0.0, 999, 1);
        }

        public Settings withMinMagnitude(double magnitude) {
            return new Settings(window, maxPValue, magnitude, permutations, seed);
        }

        public Settings withSeed(long newSeed) {
            return new Settings(window, maxPValue, minMagnitude, permutations, newSeed);
        }
    }

    /**
     * Finds the change points of {@code series} (which is not modified), in index order.
     * Fewer than 4 values never have one.
     */
    public static List<ChangePoint> find(double[] series, Settings settings) {
        if (series == null || series.length < 4) {
            return List.of();
        }
        Samples.requireFinite(series, "The series");
        TreeSet<Integer> candidates = new TreeSet<>();
        int step = settings.window() / 2;
        int start = 0;
        while (true) {
            int end = Math.min(start + settings.window(), series.length);
            List<Integer> found = eDivisive(series, start, end, settings);
            candidates.addAll(found);
            if (end == series.length) {
                break;
            }
            int lastFound = found.isEmpty() ? 0 : found.get(found.size() - 1);
            start = Math.max(lastFound, start + step);
        }
        return prune(series, new ArrayList<>(candidates), settings);
    }

    /** Hierarchical E-divisive inside series[start, end): absolute indices of significant splits, ascending. */
    private static List<Integer> eDivisive(double[] series, int start, int end, Settings settings) {
        TreeSet<Integer> bounds = new TreeSet<>(List.of(start, end));
        List<Integer> found = new ArrayList<>();
        while (true) {
            Split best = null;
            Integer previous = null;
            for (int bound : bounds) {
                if (previous != null) {
                    Split split = bestSplit(series, previous, bound);
                    if (split != null && (best == null || split.q > best.q)) {
                        best = split;
                    }
                }
                previous = bound;
            }
            if (best == null) {
                break;
            }
            double p = permutationPValue(series, new ArrayList<>(bounds), best.q, settings,
                    mix(settings.seed(), start, end, bounds.size()));
            if (p > settings.maxPValue()) {
                break;
            }
            bounds.add(best.index);
            found.add(best.index);
        }
        found.sort(null);
        return found;
    }

    /**
     * Drops the weakest candidate (largest p-value, then smallest magnitude) while any is not
     * significant or too small, re-testing its neighbours against their new neighbours.
     */
    private static List<ChangePoint> prune(double[] series, List<Integer> candidates, Settings settings) {
        Map<List<Integer>, ChangePoint> tested = new HashMap<>();
        while (true) {
            List<ChangePoint> points = new ArrayList<>();
            int weakest = -1;
            for (int k = 0; k < candidates.size(); k++) {
                int before = k == 0 ? 0 : candidates.get(k - 1);
                int index = candidates.get(k);
                int after = k == candidates.size() - 1 ? series.length : candidates.get(k + 1);
                ChangePoint point = tested.computeIfAbsent(List.of(before, index, after),
                        key -> test(series, before, index, after, settings));
                points.add(point);
                boolean fails = point.pValue() > settings.maxPValue() || !(Math.abs(point.change()) >= settings.minMagnitude());
                if (fails && (weakest < 0 || weaker(point, points.get(weakest)))) {
                    weakest = k;
                }
            }
            if (weakest < 0) {
                return List.copyOf(points);
            }
            candidates.remove(weakest);
        }
    }

    private static boolean weaker(ChangePoint a, ChangePoint b) {
        if (a.pValue() != b.pValue()) {
            return a.pValue() > b.pValue();
        }
        return Math.abs(a.change()) < Math.abs(b.change());
    }

    /** The candidate at {@code index} between its neighbours, tested on at most a window each side. */
    private static ChangePoint test(double[] series, int before, int index, int after, Settings settings) {
        double meanBefore = mean(series, before, index);
        double meanAfter = mean(series, index, after);
        int from = Math.max(before, index - settings.window());
        int to = Math.min(after, index + settings.window());
        if (index - from < 2 || to - index < 2) {
            return new ChangePoint(index, 1.0, meanBefore, meanAfter);
        }
        double observed = energy(series, from, to)[index - from];
        double p = permutationPValue(series, List.of(from, to), observed, settings, mix(settings.seed(), from, index, to));
        return new ChangePoint(index, p, meanBefore, meanAfter);
    }

    /**
     * Shuffles each segment between consecutive {@code bounds} and counts how often the best split
     * of any shuffled segment reaches {@code observed}; stops as soon as the answer is "not significant".
     */
    private static double permutationPValue(double[] series, List<Integer> bounds, double observed,
                                            Settings settings, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] shuffled = series.clone();
        int reached = 0;
        int limit = (int) Math.floor(settings.maxPValue() * (settings.permutations() + 1) + 1e-9) - 1;
        for (int r = 0; r < settings.permutations(); r++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int s = 0; s + 1 < bounds.size(); s++) {
                int from = bounds.get(s);
                int to = bounds.get(s + 1);
                System.arraycopy(series, from, shuffled, from, to - from);
                for (int i = to - 1; i > from; i--) { // Fisher-Yates
                    int j = from + random.nextInt(i - from + 1);
                    double t = shuffled[i];
                    shuffled[i] = shuffled[j];
                    shuffled[j] = t;
                }
                Split split = bestSplit(shuffled, from, to);
                if (split != null) {
                    best = Math.max(best, split.q);
                }
            }
            if (best >= observed) {
                reached++;
                if (reached > limit) {
                    return (reached + 1.0) / (r + 2.0); // already beyond maxPValue: an early, larger estimate
                }
            }
        }
        return (reached + 1.0) / (settings.permutations() + 1.0);
    }

    private record Split(int index, double q) {
    }

    /** The split of series[from, to) with the largest Q, or null when the stretch is under 4 values. */
    private static Split bestSplit(double[] series, int from, int to) {
        if (to - from < 4) {
            return null;
        }
        double[] q = energy(series, from, to);
        int best = 2;
        for (int tau = 3; tau <= to - from - 2; tau++) {
            if (q[tau] > q[best]) {
                best = tau;
            }
        }
        return new Split(from + best, q[best]);
    }

    /** Q(τ) for every split τ = 2 .. m-2 of series[from, to) (other entries unused), in O(m²). */
    static double[] energy(double[] series, int from, int to) {
        int m = to - from;
        double[] left = new double[m + 1];   // sum of |x_i - x_k| over pairs both before τ
        double[] right = new double[m + 1];  // sum over pairs both at or after τ
        for (int tau = 1; tau <= m; tau++) {
            double v = series[from + tau - 1];
            double sum = 0;
            for (int i = 0; i < tau - 1; i++) {
                sum += Math.abs(series[from + i] - v);
            }
            left[tau] = left[tau - 1] + sum;
        }
        for (int tau = m - 1; tau >= 0; tau--) {
            double v = series[from + tau];
            double sum = 0;
            for (int k = tau + 1; k < m; k++) {
                sum += Math.abs(series[from + k] - v);
            }
            right[tau] = right[tau + 1] + sum;
        }
        double total = left[m];
        double[] q = new double[m + 1];
        for (int tau = 2; tau <= m - 2; tau++) {
            double a = tau;
            double b = m - tau;
            double cross = total - left[tau] - right[tau];
            q[tau] = a * b / m * (2 * cross / (a * b) - 2 * left[tau] / (a * (a - 1)) - 2 * right[tau] / (b * (b - 1)));
        }
        return q;
    }

    private static double mean(double[] series, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += series[i];
        }
        return sum / (to - from);
    }

    private static long mix(long seed, long a, long b, long c) {
        long h = seed;
        for (long v : new long[] {a, b, c}) {
            h = (h ^ v) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 32;
        }
        return h;
    }
}
