package io.perfplan.core.load;

import java.time.Duration;
import java.util.Locale;

/**
 * A once-per-second view of a running load test for a live display: time so far and in total
 * (warm-up included), the last second's completed requests per second and p99 latency, and the
 * measured requests and errors so far.
 */
public record Progress(Duration elapsed, Duration total, boolean warmup, double ratePerSecond, double p99Millis,
                       long requests, long errors) {

    /** One line such as {@code 12s/60s  2001 req/s  p99 3.2ms  errors 0/24012}. */
    public String line() {
        return String.format(Locale.ROOT, "%ds/%ds%s  %.0f req/s  p99 %.1fms  errors %d/%d",
                elapsed.toSeconds(), total.toSeconds(), warmup ? " (warm-up)" : "", ratePerSecond, p99Millis, errors, requests);
    }
}
