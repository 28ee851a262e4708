package io.perfplan.telemetry;

/**
 * A span further spans nest under: a step attempt's span, or a span an action opened. Nested steps
 * (an optimize trial's deploy and load test) hang under one as step spans of their own.
 */
public interface SpanParent {

    /** Opens a child span (e.g. a loadtest stage); close it when the work ends. */
    SpanScope child(String name);

    /** Starts the span of a nested step attempt under this one; the caller ends it. */
    RunTelemetry.StepTrace startStep(String stepId, String action, int attempt);
}
