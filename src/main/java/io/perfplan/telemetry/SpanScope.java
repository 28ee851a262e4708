package io.perfplan.telemetry;

/**
 * An open span that ends when closed. {@link #NONE} is what every caller gets when telemetry is off:
 * closing it does nothing, so instrumented code needs no checks of its own.
 */
public interface SpanScope extends AutoCloseable {

    SpanScope NONE = new SpanScope() {
        @Override
        public void attribute(String key, String value) {
        }

        @Override
        public void close() {
        }
    };

    /** Adds a string attribute to the span. */
    void attribute(String key, String value);

    /** Ends the span. */
    @Override
    void close();
}
