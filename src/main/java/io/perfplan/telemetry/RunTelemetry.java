package io.perfplan.telemetry;

import java.time.Duration;
import java.util.Map;

/**
 * Traces and metrics of runs: each run a trace, each step attempt a span under it, and child spans
 * actions open. This interface names no OpenTelemetry type, so the engine can hold {@link #NONE}
 * without loading the SDK; {@link #configure} loads it only when telemetry is switched on.
 */
public interface RunTelemetry extends AutoCloseable {

    /** Telemetry off: every call does nothing and allocates nothing. */
    RunTelemetry NONE = (plan, runId) -> RunTrace.NONE;

    /** Starts the trace of a run. */
    RunTrace startRun(String plan, long runId);

    /** Exports what is buffered and releases the exporters. */
    @Override
    default void close() {
    }

    /** The trace of one run. */
    interface RunTrace {
        RunTrace NONE = new RunTrace() {
            @Override
            public String traceId() {
                return "";
            }

            @Override
            public StepTrace startStep(String stepId, String action, int attempt) {
                return StepTrace.NONE;
            }

            @Override
            public void end(String status, String error, Duration took) {
            }
        };

        /** The W3C trace id, 32 hex digits; empty when telemetry is off. */
        String traceId();

        StepTrace startStep(String stepId, String action, int attempt);

        void end(String status, String error, Duration took);
    }

    /** The span of one step attempt; spans the action opens and nested steps hang under it. */
    interface StepTrace extends SpanParent {
        StepTrace NONE = new StepTrace() {
            @Override
            public SpanScope child(String name) {
                return SpanScope.NONE;
            }

            @Override
            public StepTrace startStep(String stepId, String action, int attempt) {
                return NONE;
            }

            @Override
            public void end(String status, String error, Duration took) {
            }
        };

        /**
         * Records a latency histogram the step stored (compressed HdrHistogram of microseconds, as
         * {@code loadtest} stores {@code latency} and {@code service_time}) into the
         * {@code perfplan.latency} metric.
         */
        default void histogram(String name, byte[] encoded) {
        }

        void end(String status, String error, Duration took);
    }

    /**
     * Telemetry as asked for: on when {@code flag} is set ({@code run --otel}) or the environment names
     * an OTLP endpoint or a traces exporter ({@code OTEL_EXPORTER_OTLP_ENDPOINT},
     * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}, {@code OTEL_TRACES_EXPORTER} other than none), and
     * {@code OTEL_SDK_DISABLED} is not true; otherwise {@link #NONE}. When on, the SDK is configured by
     * the standard {@code OTEL_*} variables (autoconfigure).
     *
     * @throws IllegalArgumentException with one sentence when the OTEL_* settings are invalid
     */
    static RunTelemetry configure(boolean flag, Map<String, String> env) {
        if ("true".equalsIgnoreCase(env.get("OTEL_SDK_DISABLED"))) {
            return NONE;
        }
        String traces = env.get("OTEL_TRACES_EXPORTER");
        boolean asked = flag || env.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT") || env.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
                || (traces != null && !traces.equalsIgnoreCase("none"));
        return asked ? OtelRunTelemetry.autoconfigured() : NONE;
    }
}
