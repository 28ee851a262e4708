package io.perfplan.core.sampling;

import java.time.Duration;

/**
 * How to benchmark a command, hyperfine style: {@code warmup} unmeasured runs, then at least
 * {@code runs} measured runs, continuing until the measured runs add up to {@code minTime} (at most
 * {@code maxRuns}). {@code prepare} and {@code cleanup}, when set, run before and after every run,
 * warm-up included, and are not measured.
 */
public record BenchmarkSpec(CommandSpec command, int runs, int warmup, CommandSpec prepare, CommandSpec cleanup,
                            Duration minTime, int maxRuns) {

    public BenchmarkSpec {
        if (command == null) {
            throw new IllegalArgumentException("A benchmark needs a command.");
        }
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1, not " + runs + ".");
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup must be 0 or more, not " + warmup + ".");
        }
        minTime = minTime == null ? Duration.ZERO : minTime;
        maxRuns = Math.max(maxRuns, runs);
    }

    /** {@code runs} measured runs after {@code warmup} warm-up runs, nothing else. */
    public static BenchmarkSpec of(CommandSpec command, int runs, int warmup) {
        return new BenchmarkSpec(command, runs, warmup, null, null, Duration.ZERO, runs);
    }
}
