package io.perfplan.engine;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a step may read of the history: the metrics and samples of a run (earlier steps of the
 * current run are stored as they end), metric series over past runs, and named baselines, which
 * are the one thing it may also write. Values are in the unit they were stored in.
 */
public interface RunHistory {

    /** A stored metric of one step. */
    record Metric(String stepId, String name, double value, Unit unit, Direction direction) {
        /** {@code <step>.<name>}, as gates address it. */
        public String fullName() {
            return stepId + "." + name;
        }
    }

    /** Stored raw values of one step. */
    record SampleSet(String stepId, String name, Unit unit, double[] values) {}

    /** One run's value of a metric, for series over history. */
    record Point(long runId, Instant startedAt, String status, double value, Unit unit) {}

    /**
     * A named baseline: a run to compare with. A pinned baseline stays on its run until a person
     * moves it; an unpinned one is a rolling window ending at {@code runId} that gates may advance.
     *
     * @param window how many passed runs the rolling window holds, when one was set
     */
    record Baseline(String name, String plan, long runId, boolean pinned, Integer window, Instant createdAt) {}

    /** The status of each step of a run (last attempt), by step id. */
    java.util.Map<String, String> stepStatuses(long runId);

    List<Metric> metricsOfRun(long runId);

    List<SampleSet> samplesOfRun(long runId);

    Optional<Baseline> baseline(String name);

    /**
     * Values of {@code <stepId>.<metric>} in runs of {@code plan} started before run {@code beforeRunId}
     * (its id is exclusive) with one of {@code statuses}, the newest {@code limit}, oldest first.
     */
    List<Point> series(String plan, String stepId, String metric, long beforeRunId, List<String> statuses, int limit);

    /** When run {@code runId} started. */
    default Optional<Instant> runStarted(long runId) {
        return Optional.empty();
    }

    /** Stores an alert raised by step {@code stepId} of run {@code runId}; a history without a store keeps none. */
    default void recordAlert(long runId, String stepId, String rule, String severity, String message, Instant firedAt) {
        // nothing to store into: the step's log line is the only trace of the alert
    }

    /** Makes {@code runId} the baseline {@code name} (creating or replacing it). */
    void setBaseline(String name, String plan, long runId, boolean pinned, Integer window);
}
