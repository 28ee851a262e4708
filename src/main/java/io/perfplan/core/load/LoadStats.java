package io.perfplan.core.load;

import java.util.Arrays;
import java.util.OptionalDouble;

import org.HdrHistogram.Histogram;

/**
 * Counters and latency histograms over a span of a load test (one second, a sliding window, the
 * whole run). Histograms are in microseconds, 3 significant digits, from 1 µs to one hour; a value
 * above an hour is recorded as one hour. Memory is fixed (about 200 KB per histogram) whatever the
 * number of requests. Not thread-safe: each event loop records into its own instance and the
 * runner merges them.
 *
 * <p>{@code requests} counts requests that ended (with a response or a transport error);
 * {@code latency} holds every request that got a response (whatever its status) and every timeout
 * (at the time it was given up), measured from the intended send time; {@code service_time} is the
 * same from the actual send; {@code send_lag} is actual minus intended send time (open model only).
 * Requests that never got a connection in time are {@code dropped}, not requests.
 */
public final class LoadStats {

    static final long HIGHEST_MICROS = 3_600_000_000L;

    private final Histogram latency = newHistogram();
    private final Histogram serviceTime = newHistogram();
    private final Histogram sendLag = newHistogram();
    private final long[] errors = new long[ErrorKind.count()];
    private long requests;
    private long dropped;
    private long bytesIn;
    private long bytesOut;
    private long elapsedNanos;

    static Histogram newHistogram() {
        return new Histogram(1, HIGHEST_MICROS, 3);
    }

    // ---- recording (event loop) ----

    void recordResponse(long latencyNanos, long serviceNanos) {
        requests++;
        latency.recordValue(micros(latencyNanos));
        serviceTime.recordValue(micros(serviceNanos));
    }

    void recordError(ErrorKind kind) {
        errors[kind.ordinal()]++;
    }

    void recordTransportFailure(ErrorKind kind) {
        requests++;
        errors[kind.ordinal()]++;
    }

    void recordSendLag(long lagNanos) {
        sendLag.recordValue(micros(Math.max(0, lagNanos)));
    }

    void recordDropped() {
        dropped++;
    }

    void addBytesIn(long n) {
        bytesIn += n;
    }

    void addBytesOut(long n) {
        bytesOut += n;
    }

    private static long micros(long nanos) {
        long us = (nanos + 500) / 1000;
        return us < 1 ? 1 : Math.min(us, HIGHEST_MICROS);
    }

    // ---- merging (runner) ----

    void add(LoadStats other) {
        latency.add(other.latency);
        serviceTime.add(other.serviceTime);
        sendLag.add(other.sendLag);
        for (int i = 0; i < errors.length; i++) {
            errors[i] += other.errors[i];
        }
        requests += other.requests;
        dropped += other.dropped;
        bytesIn += other.bytesIn;
        bytesOut += other.bytesOut;
    }

    void reset() {
        latency.reset();
        serviceTime.reset();
        sendLag.reset();
        Arrays.fill(errors, 0);
        requests = 0;
        dropped = 0;
        bytesIn = 0;
        bytesOut = 0;
        elapsedNanos = 0;
    }

    void elapsedNanos(long nanos) {
        elapsedNanos = nanos;
    }

    // ---- reading ----

    /** Requests that ended with a response or a transport error. */
    public long requests() {
        return requests;
    }

    /** All errors: transport failures plus responses that failed a check. */
    public long errors() {
        long sum = 0;
        for (long e : errors) {
            sum += e;
        }
        return sum;
    }

    public long errors(ErrorKind kind) {
        return errors[kind.ordinal()];
    }

    /** Errors over requests, in percent; 0 when there were no requests. */
    public double errorRatePercent() {
        return requests == 0 ? 0 : 100.0 * errors() / requests;
    }

    public long dropped() {
        return dropped;
    }

    public long bytesIn() {
        return bytesIn;
    }

    public long bytesOut() {
        return bytesOut;
    }

    /** The wall time this span covers (the measured part of the run, a second, a window). */
    public java.time.Duration elapsed() {
        return java.time.Duration.ofNanos(elapsedNanos);
    }

    /** Requests per second over {@link #elapsed()}. */
    public double throughputPerSecond() {
        return elapsedNanos == 0 ? 0 : requests * 1e9 / elapsedNanos;
    }

    /** Latency from intended send time to the end of the response, µs. A copy. */
    public Histogram latencyMicros() {
        return latency.copy();
    }

    /** Latency from actual send to the end of the response, µs. A copy. */
    public Histogram serviceTimeMicros() {
        return serviceTime.copy();
    }

    /** Actual minus intended send time, µs (open model). A copy. */
    public Histogram sendLagMicros() {
        return sendLag.copy();
    }

    /**
     * A metric by name: {@code requests}, {@code errors}, {@code errors.<kind>}, {@code error_rate} (%),
     * {@code throughput} (/s), {@code dropped}, {@code bytes.in}, {@code bytes.out}, and for
     * {@code latency}, {@code service_time} and {@code send_lag}: {@code .min .mean .max .p50 .p90
     * .p99 .p999} or any {@code .pNN} (ms). Empty for a time metric with no recorded values.
     */
    public OptionalDouble value(String metric) {
        checkMetricName(metric);
        switch (metric) {
            case "requests": return OptionalDouble.of(requests);
            case "errors": return OptionalDouble.of(errors());
            case "error_rate": return OptionalDouble.of(errorRatePercent());
            case "throughput": return OptionalDouble.of(throughputPerSecond());
            case "dropped": return OptionalDouble.of(dropped);
            case "bytes.in": return OptionalDouble.of(bytesIn);
            case "bytes.out": return OptionalDouble.of(bytesOut);
            default: break;
        }
        if (metric.startsWith("errors.")) {
            return OptionalDouble.of(errors(ErrorKind.fromMetricName(metric.substring(7))));
        }
        int dot = metric.indexOf('.');
        Histogram h = switch (metric.substring(0, dot)) {
            case "latency" -> latency;
            case "service_time" -> serviceTime;
            default -> sendLag;
        };
        if (h.getTotalCount() == 0) {
            return OptionalDouble.empty();
        }
        String stat = metric.substring(dot + 1);
        double micros = switch (stat) {
            case "min" -> h.getMinValue();
            case "max" -> h.getMaxValue();
            case "mean" -> h.getMean();
            default -> h.getValueAtPercentile(percentile(stat));
        };
        return OptionalDouble.of(micros / 1000.0);
    }

    static boolean isTimeMetric(String metric) {
        return metric.startsWith("latency.") || metric.startsWith("service_time.") || metric.startsWith("send_lag.");
    }

    static void checkMetricName(String metric) {
        switch (metric) {
            case "requests", "errors", "error_rate", "throughput", "dropped", "bytes.in", "bytes.out":
                return;
            default:
                break;
        }
        if (metric.startsWith("errors.")) {
            ErrorKind.fromMetricName(metric.substring(7));
            return;
        }
        if (isTimeMetric(metric)) {
            String stat = metric.substring(metric.indexOf('.') + 1);
            if (stat.equals("min") || stat.equals("max") || stat.equals("mean") || stat.matches("p\\d+(\\.\\d+)?")) {
                percentileIfAny(stat);
                return;
            }
        }
        throw new IllegalArgumentException("unknown load metric '" + metric + "'; use requests, throughput, error_rate, errors, errors.<kind>, dropped, bytes.in, bytes.out or latency|service_time|send_lag.{min,mean,max,p50,p90,p99,p999}");
    }

    private static void percentileIfAny(String stat) {
        if (stat.startsWith("p")) {
            double p = percentile(stat);
            if (!(p > 0 && p <= 100)) {
                throw new IllegalArgumentException("percentile '" + stat + "' must be between p0 and p100");
            }
        }
    }

    /** {@code p50} → 50, {@code p999} → 99.9, {@code p9999} → 99.99, {@code p99.5} → 99.5. */
    static double percentile(String stat) {
        String digits = stat.substring(1);
        if (digits.contains(".") || digits.length() <= 2 || digits.equals("100")) {
            return Double.parseDouble(digits);
        }
        return Double.parseDouble(digits.substring(0, 2) + "." + digits.substring(2));
    }
}
