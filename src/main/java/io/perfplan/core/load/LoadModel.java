package io.perfplan.core.load;

import java.time.Duration;
import java.util.List;

/** How requests are issued: an open model (arrivals on a schedule) or a closed one (connections back to back). */
public sealed interface LoadModel {

    /**
     * Open model: requests arrive on a schedule whatever the server does, so a slow server shows up as
     * latency (measured from each request's intended send time) instead of as a lower request rate.
     * The rate starts at {@code startRatePerSecond} and follows the stages linearly. With
     * {@code poisson} the gaps are exponential (seeded by {@code seed}), else evenly spaced.
     * At most {@code maxConnections} connections are open; a request that finds none free waits,
     * keeping its intended send time, and is dropped if it waits longer than the request timeout.
     */
    record Open(double startRatePerSecond, List<RateStage> stages, boolean poisson, long seed, int maxConnections)
            implements LoadModel {
        public Open {
            stages = List.copyOf(stages);
            if (stages.isEmpty()) {
                throw new IllegalArgumentException("an open model needs a rate or at least one stage");
            }
            if (!(startRatePerSecond >= 0)) {
                throw new IllegalArgumentException("the start rate must be 0 or more, got " + startRatePerSecond);
            }
            if (maxConnections < 1) {
                throw new IllegalArgumentException("connections must be 1 or more, got " + maxConnections);
            }
        }

        /** A constant rate for the duration. */
        public static Open constant(double ratePerSecond, Duration duration, int maxConnections) {
            if (!(ratePerSecond > 0)) {
                throw new IllegalArgumentException("rate must be more than 0 requests per second, got " + ratePerSecond);
            }
            return new Open(ratePerSecond, List.of(new RateStage(duration, ratePerSecond)), false, 0, maxConnections);
        }

        public Open withPoisson(long seed) {
            return new Open(startRatePerSecond, stages, true, seed, maxConnections);
        }

        /** Total length of the stages. */
        @Override
        public Duration duration() {
            return stages.stream().map(RateStage::duration).reduce(Duration.ZERO, Duration::plus);
        }
    }

    /** Total length of the measured part (after the warm-up). */
    Duration duration();

    /**
     * Closed model: {@code connections} connections each send the next request when the previous one
     * ends, after {@code think}, for {@code duration}. Latency equals service time here: a slow server
     * lowers the request rate, which is what a closed model measures.
     */
    record Closed(int connections, Duration think, Duration duration) implements LoadModel {
        public Closed {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("a closed model needs a positive duration, e.g. 30s");
            }
            if (connections < 1) {
                throw new IllegalArgumentException("connections must be 1 or more, got " + connections);
            }
            think = think == null ? Duration.ZERO : think;
            if (think.isNegative()) {
                throw new IllegalArgumentException("think time must not be negative");
            }
        }
    }
}
