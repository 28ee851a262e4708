package io.perfplan.core.deploy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Polls health checks every {@code interval} until all of them pass in one round, or {@code timeout}
 * has passed since the first probe. Each probe waits at most the interval (at least one second,
 * never past the deadline).
 *
 * @param interval time between the starts of two rounds
 * @param timeout  how long the service has to become healthy
 */
public record HealthPolling(Duration interval, Duration timeout) {

    public HealthPolling {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("health interval must be positive, e.g. 500ms");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("health timeout must be positive, e.g. 30s");
        }
    }

    /**
     * What the polling found.
     *
     * @param healthy     every check passed in one round
     * @param rounds      rounds of probes made
     * @param took        from the first probe to the verdict
     * @param lastProblem why the last failing round failed, or null when healthy
     */
    public record Report(boolean healthy, int rounds, Duration took, String lastProblem) {}

    /**
     * Polls {@code checks}. {@code gone} is asked before each round: a non-empty answer (e.g. "the
     * process exited with code 1") ends the polling at once as unhealthy. {@code cancelled} ends it
     * too. {@code progress} receives a line when a round fails for a new reason, and every few seconds while it keeps failing.
     */
    public Report await(List<HealthCheck> checks, Supplier<Optional<String>> gone, BooleanSupplier cancelled,
                        Consumer<String> progress) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long lastLog = start;
        String lastLogged = null;
        int rounds = 0;
        String problem = null;
        while (true) {
            Optional<String> ended = gone.get();
            if (ended.isPresent()) {
                return new Report(false, rounds, Duration.ofNanos(System.nanoTime() - start), ended.get());
            }
            if (cancelled.getAsBoolean()) {
                return new Report(false, rounds, Duration.ofNanos(System.nanoTime() - start), "cancelled while waiting for health");
            }
            long roundStart = System.nanoTime();
            rounds++;
            problem = null;
            for (HealthCheck check : checks) {
                long left = deadline - System.nanoTime();
                Duration probeTimeout = Duration.ofNanos(Math.max(Duration.ofMillis(100).toNanos(),
                        Math.min(Math.max(interval.toNanos(), Duration.ofSeconds(1).toNanos()), left)));
                HealthCheck.Result r = check.probe(probeTimeout);
                if (!r.healthy()) {
                    problem = r.detail();
                    break;
                }
            }
            if (problem == null) {
                return new Report(true, rounds, Duration.ofNanos(System.nanoTime() - start), null);
            }
            long now = System.nanoTime();
            if (!problem.equals(lastLogged) || now - lastLog >= Duration.ofSeconds(3).toNanos()) {
                progress.accept("not healthy yet (" + problem + ")");
                lastLog = now;
                lastLogged = problem;
            }
            if (System.nanoTime() - deadline >= 0) {
                return new Report(false, rounds, Duration.ofNanos(System.nanoTime() - start), problem);
            }
            long next = Math.min(roundStart + interval.toNanos(), deadline); // the last round runs at the deadline
            if (!sleepUntil(next, cancelled)) {
                return new Report(false, rounds, Duration.ofNanos(System.nanoTime() - start), "cancelled while waiting for health");
            }
        }
    }

    private static boolean sleepUntil(long nanoTime, BooleanSupplier cancelled) {
        while (true) {
            long left = nanoTime - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            if (cancelled.getAsBoolean()) {
                return false;
            }
            try {
                Thread.sleep(Math.max(1, Math.min(50, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
