package io.perfplan.core.load;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a load test measured.
 *
 * @param total        the measured part (warm-up excluded), with {@code elapsed} the measured wall time
 * @param seconds      one entry per measured second (the last one may be shorter)
 * @param thresholds   every threshold evaluated on the whole run
 * @param aborted      true when a threshold with abort-on-fail, a cancellation or a dead target stopped the test early
 * @param abortReason  why it stopped early, else null
 * @param transport    {@code epoll} or {@code nio}
 * @param sentPerSecond measured requests actually sent per second, from the start of the measured part to
 *                     the last send (below the target rate when sends fall behind the schedule)
 */
public record LoadResult(LoadStats total, List<Second> seconds, List<ThresholdOutcome> thresholds, boolean aborted,
                         String abortReason, String transport, double sentPerSecond) {

    public LoadResult {
        seconds = List.copyOf(seconds);
        thresholds = List.copyOf(thresholds);
    }

    /** One second of the time series: requests ended, errors and latency percentiles (ms) in that second. */
    public record Second(double atSeconds, long requests, long errors, double throughputPerSecond, double p50Millis, double p99Millis) {}

    /** A threshold and whether it held over the whole run. */
    public record ThresholdOutcome(String condition, boolean passed, String observed) {}

    public boolean thresholdsPassed() {
        return thresholds.stream().allMatch(ThresholdOutcome::passed);
    }

    /**
     * One sentence for a user when nothing or almost nothing succeeded, e.g. every connection refused;
     * empty when at least one request got an answer that passed the checks.
     */
    public Optional<String> diagnosis(String target) {
        long ok = total.requests() - total.errors();
        if (total.requests() == 0) {
            return Optional.of("no request to " + target + " completed"
                    + (total.dropped() > 0 ? " (" + total.dropped() + " dropped waiting for a connection)" : "")
                    + "; check that the target is running and reachable");
        }
        if (ok > 0) {
            return Optional.empty();
        }
        ErrorKind top = ErrorKind.OTHER;
        for (ErrorKind k : ErrorKind.values()) {
            if (total.errors(k) > total.errors(top)) {
                top = k;
            }
        }
        String why = switch (top) {
            case REFUSED -> "the connection was refused; is the target running on " + target + "?";
            case CONNECT -> "connecting failed; check the host and port of " + target;
            case TIMEOUT -> "requests timed out; the target at " + target + " does not answer in time";
            case RESET, CLOSED -> "the target at " + target + " closed or reset the connections";
            case TLS -> "the TLS handshake failed; for a self-signed certificate set insecure: true";
            case PROTOCOL -> "the target at " + target + " does not speak HTTP/1.1";
            default -> "every response failed the " + top.metricName() + " check";
        };
        return Optional.of("all " + total.requests() + " requests failed (" + total.errors(top) + " "
                + top.metricName() + "): " + why);
    }

    /** Measured wall time. */
    public Duration elapsed() {
        return total.elapsed();
    }
}
