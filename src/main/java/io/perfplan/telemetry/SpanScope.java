package io.perfplan.telemetry;

/**
 * An open span that ends when closed, and can be the parent of further spans (a loadtest stage under
 * the load test, the nested steps of an optimize trial under the trial). {@link #NONE} is what every
 * caller gets when telemetry is off: each call does nothing, so instrumented code needs no checks of
 * its own.
 */
public interface SpanScope extends SpanParent, AutoCloseable {

    SpanScope NONE = new SpanScope() {
        @Override
        public void attribute(String key, String value) {
        }

        @Override
        public void attribute(String key, long value) {
        }

        @Override
        public void attribute(String key, double value) {
        }

        @Override
        public void attribute(String key, boolean value) {
        }

        @Override
        public void failed(String reason) {
        }

        @Override
        public SpanScope child(String name) {
            return NONE;
        }

        @Override
        public RunTelemetry.StepTrace startStep(String stepId, String action, int attempt) {
            return RunTelemetry.StepTrace.NONE;
        }

        @Override
        public void close() {
        }
    };

    /** Adds a string attribute to the span. */
    void attribute(String key, String value);

    /** Adds an integer attribute (a count, a number). */
    void attribute(String key, long value);

    /** Adds a floating-point attribute (a rate, a latency); the key names the unit. */
    void attribute(String key, double value);

    void attribute(String key, boolean value);

    /** Marks the span as an error, with one sentence saying why. */
    void failed(String reason);

    /** Ends the span. */
    @Override
    void close();
}
