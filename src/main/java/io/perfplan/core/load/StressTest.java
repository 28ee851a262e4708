package io.perfplan.core.load;

import java.time.Duration;

/**
 * Stress mode: constant-rate steps from {@code startRate}, {@code stepRate} higher each time, each
 * lasting {@code stepDuration}, until {@code until} holds on a step or {@code maxRate} has been run.
 * Rates are requests per second. The capacity is the highest rate whose step did not meet {@code until}.
 */
public record StressTest(double startRate, double stepRate, Duration stepDuration, double maxRate, MetricCondition until) {
    public StressTest {
        if (!(startRate > 0) || !(stepRate > 0) || !(maxRate >= startRate)) {
            throw new IllegalArgumentException("stress needs start > 0, step > 0 and max >= start (requests per second)");
        }
        if (stepDuration == null || stepDuration.toMillis() < 500) {
            throw new IllegalArgumentException("stress step_duration must be at least 500ms, e.g. 10s");
        }
        if (until == null) {
            throw new IllegalArgumentException("stress needs an until condition, e.g. \"latency.p99 > 200ms or error_rate > 1%\"");
        }
        if ((maxRate - startRate) / stepRate > 1000) {
            throw new IllegalArgumentException("stress would run more than 1000 steps; use a larger step");
        }
    }
}
