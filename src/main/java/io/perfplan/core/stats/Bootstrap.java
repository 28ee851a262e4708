package io.perfplan.core.stats;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded percentile bootstrap of the median: resample with replacement {@code resamples} times,
 * compute the median of each resample, and take the {@code (1 - confidence) / 2} and
 * {@code (1 + confidence) / 2} percentiles (linear interpolation, see {@link Percentile}) of those
 * medians as the interval. The same seed and input always give the same interval. Values are
 * unit-free; ratios are candidate / baseline. Cost is O(resamples × n) time and O(resamples + n)
 * memory per call: measured on a shared 2-core machine, about 1 ms for 2,000 resamples of 30 values,
 * 35 ms for 1,000 values and 0.2 s for 10,000, so it suits per-run samples rather than per-request ones.
 *
 * @param resamples number of bootstrap resamples, 100 to 100,000 (default 2,000)
 * @param confidence two-sided coverage, strictly between 0 and 1 (default 0.95)
 * @param seed seed of the {@link SplittableRandom} that draws the resamples
 */
public record Bootstrap(int resamples, double confidence, long seed) {

    public static final int DEFAULT_RESAMPLES = 2_000;
    public static final double DEFAULT_CONFIDENCE = 0.95;

    public Bootstrap {
        if (resamples < 100 || resamples > 100_000) {
            throw new IllegalArgumentException("Bootstrap resamples " + resamples
                    + " is out of range; use between 100 and 100000 (2000 is usual).");
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("Confidence " + confidence
                    + " must lie strictly between 0 and 1, e.g. 0.95.");
        }
    }

    /** 2,000 resamples at 95% confidence with the given seed. */
    public static Bootstrap withSeed(long seed) {
        return new Bootstrap(DEFAULT_RESAMPLES, DEFAULT_CONFIDENCE, seed);
    }

    /** Percentile interval of the median of {@code sample}; the estimate is the sample's median. */
    public Interval median(double[] sample) {
        Samples.requireFinite(sample, "The sample");
        SplittableRandom random = new SplittableRandom(seed);
        double[] work = new double[sample.length];
        double[] medians = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            medians[r] = resampledMedian(sample, work, random);
        }
        return interval(medians, Samples.medianOfSorted(Samples.sortedCopy(sample)));
    }

    /**
     * Percentile interval of the ratio of medians, median(candidate) / median(baseline), resampling
     * both samples independently. A resample whose baseline median is 0 gives a ratio of +infinity
     * (or 1 when the candidate median is 0 too), so meaningful ratios need positive values.
     */
    public Interval medianRatio(double[] baseline, double[] candidate) {
        Samples.requireFinite(baseline, "The baseline sample");
        Samples.requireFinite(candidate, "The candidate sample");
        SplittableRandom random = new SplittableRandom(seed);
        double[] baselineWork = new double[baseline.length];
        double[] candidateWork = new double[candidate.length];
        double[] ratios = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            double b = resampledMedian(baseline, baselineWork, random);
            double c = resampledMedian(candidate, candidateWork, random);
            ratios[r] = ratio(c, b);
        }
        double estimate = ratio(Samples.medianOfSorted(Samples.sortedCopy(candidate)),
                Samples.medianOfSorted(Samples.sortedCopy(baseline)));
        return interval(ratios, estimate);
    }

    static double ratio(double candidate, double baseline) {
        if (baseline == 0) {
            return candidate == 0 ? 1.0 : Math.copySign(Double.POSITIVE_INFINITY, candidate);
        }
        return candidate / baseline;
    }

    private static double resampledMedian(double[] sample, double[] work, SplittableRandom random) {
        int n = sample.length;
        for (int i = 0; i < n; i++) {
            work[i] = sample[random.nextInt(n)];
        }
        return Samples.medianInPlace(work, n);
    }

    private Interval interval(double[] statistics, double estimate) {
        Arrays.sort(statistics);
        double tail = (1 - confidence) / 2 * 100;
        return new Interval(Percentile.ofSorted(statistics, tail), estimate,
                Percentile.ofSorted(statistics, 100 - tail), confidence);
    }
}
