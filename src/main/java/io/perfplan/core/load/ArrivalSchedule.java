package io.perfplan.core.load;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Intended send times of an open model: a piecewise-linear rate {@code r(t)} whose integral
 * {@code N(t)} is the expected number of arrivals by time {@code t}. The k-th evenly spaced arrival
 * is at {@code N⁻¹(k)}; Poisson arrivals put unit-rate exponential gaps on the {@code N} axis, which
 * gives a Poisson process of rate {@code r(t)}. Times are nanoseconds from the schedule start and
 * never depend on when earlier requests were actually sent.
 */
public final class ArrivalSchedule {

    private final long[] startNanos;
    private final double[] startRate;
    private final double[] endRate;
    private final double[] startCount;
    private final long endNanos;
    private final double totalCount;

    private ArrivalSchedule(List<double[]> segments) {
        int n = segments.size();
        startNanos = new long[n];
        startRate = new double[n];
        endRate = new double[n];
        startCount = new double[n];
        long t = 0;
        double count = 0;
        for (int i = 0; i < n; i++) {
            double[] s = segments.get(i);
            startNanos[i] = t;
            startRate[i] = s[1];
            endRate[i] = s[2];
            startCount[i] = count;
            count += (s[1] + s[2]) / 2 * s[0] / 1e9;
            t += (long) s[0];
        }
        endNanos = t;
        totalCount = count;
    }

    /**
     * The schedule for a model, preceded by {@code warmupNanos} at a constant rate: the start rate,
     * or the first stage's rate when the start rate is 0.
     */
    public static ArrivalSchedule of(LoadModel.Open model, long warmupNanos) {
        List<double[]> segments = new ArrayList<>();
        if (warmupNanos > 0) {
            double warm = model.startRatePerSecond() > 0 ? model.startRatePerSecond() : model.stages().get(0).ratePerSecond();
            segments.add(new double[] {warmupNanos, warm, warm});
        }
        double from = model.startRatePerSecond();
        for (RateStage s : model.stages()) {
            segments.add(new double[] {s.duration().toNanos(), from, s.ratePerSecond()});
            from = s.ratePerSecond();
        }
        return new ArrivalSchedule(segments);
    }

    /** Length of the schedule. */
    public long endNanos() {
        return endNanos;
    }

    /** Expected number of arrivals over the whole schedule ({@code N(end)}). */
    public double expectedArrivals() {
        return totalCount;
    }

    /** Expected arrivals between the start and {@code nanos}. */
    public double expectedArrivals(long nanos) {
        if (nanos >= endNanos) {
            return totalCount;
        }
        int i = segmentAt(nanos);
        double tau = (nanos - startNanos[i]) / 1e9;
        double len = segmentLengthSeconds(i);
        double slope = len == 0 ? 0 : (endRate[i] - startRate[i]) / len;
        return startCount[i] + startRate[i] * tau + slope * tau * tau / 2;
    }

    /** The rate in requests per second at {@code nanos}. */
    public double rateAt(long nanos) {
        if (nanos >= endNanos) {
            return endRate[endRate.length - 1];
        }
        int i = segmentAt(nanos);
        double len = segmentLengthSeconds(i);
        return startRate[i] + (endRate[i] - startRate[i]) * ((nanos - startNanos[i]) / 1e9) / len;
    }

    /** The time at which {@code N(t)} reaches {@code count}, or {@link Long#MAX_VALUE} past the end. */
    public long timeOf(double count) {
        if (count >= totalCount) {
            return Long.MAX_VALUE;
        }
        int lo = 0;
        int hi = startCount.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (startCount[mid] <= count) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        double d = count - startCount[lo];
        if (d <= 0) {
            return startNanos[lo];
        }
        double r0 = startRate[lo];
        double a = (endRate[lo] - r0) / segmentLengthSeconds(lo) / 2;
        // r0·τ + a·τ² = d, written to stay exact when a = 0 and stable when r0 = 0
        double tau = 2 * d / (r0 + Math.sqrt(r0 * r0 + 4 * a * d));
        return Math.min(startNanos[lo] + Math.round(tau * 1e9), endNanos);
    }

    private double segmentLengthSeconds(int i) {
        long next = i + 1 < startNanos.length ? startNanos[i + 1] : endNanos;
        return (next - startNanos[i]) / 1e9;
    }

    private int segmentAt(long nanos) {
        int i = startNanos.length - 1;
        while (i > 0 && startNanos[i] > nanos) {
            i--;
        }
        return i;
    }

    /**
     * The arrivals of one of {@code lanes} event loops: lane {@code lane} takes every lanes-th even
     * arrival, or an independent Poisson stream of rate {@code r(t)/lanes}. Not thread-safe.
     */
    public Cursor cursor(int lane, int lanes, boolean poisson, long seed) {
        return new Cursor(lane, lanes, poisson ? new SplittableRandom(seed * 0x9E3779B97F4A7C15L + lane) : null);
    }

    /** Walks one lane's intended send times in order. */
    public final class Cursor {
        private final int lanes;
        private final SplittableRandom random;
        private double count;

        private Cursor(int lane, int lanes, SplittableRandom random) {
            this.lanes = lanes;
            this.random = random;
            this.count = random == null ? lane : lanes * exponential(random);
        }

        /** The next intended send time in nanoseconds from the start, or {@link Long#MAX_VALUE} when the schedule is over. */
        public long next() {
            long t = timeOf(count);
            count += random == null ? lanes : lanes * exponential(random);
            return t;
        }

        private static double exponential(SplittableRandom r) {
            return -Math.log(1.0 - r.nextDouble());
        }
    }
}
