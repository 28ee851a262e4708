package io.perfplan.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What one step came to (its last attempt): status, why, what it measured and output. */
public record StepReport(String stepId, String action, Status status, int attempts, Duration duration,
                         String message, boolean continueOnError, Map<String, Object> outputs,
                         List<RecordedMetric> metrics) {

    /** A metric as recorded: step-relative name, value in its unit. */
    public record RecordedMetric(String name, double value, Unit unit, Direction direction) {}

    /** This report with secret values masked in its message and outputs. */
    @SuppressWarnings("unchecked")
    public StepReport masked(SecretMasker masker) {
        if (masker.isEmpty()) {
            return this;
        }
        return new StepReport(stepId, action, status, attempts, duration, masker.mask(message), continueOnError,
                (Map<String, Object>) masker.maskTree(outputs), metrics);
    }

    /** Counts towards the run's result: failed, and not allowed to. */
    public boolean failsRun() {
        return (status == Status.FAILED || status == Status.CANCELLED) && !continueOnError;
    }
}
