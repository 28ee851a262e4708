package io.perfplan.core.stats;

/**
 * Which way a metric improves, so a gate knows which change is a regression. The engine has its own
 * {@code Direction}; actions map {@code LOWER_IS_BETTER}/{@code HIGHER_IS_BETTER} by name.
 */
public enum MetricDirection {
    /** Latency, wall time, memory: a rise is a regression. */
    LOWER_IS_BETTER,
    /** Throughput, capacity: a fall is a regression. */
    HIGHER_IS_BETTER
}
