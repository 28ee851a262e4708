package io.perfplan.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;

import java.time.Duration;
import java.util.Map;

/**
 * {@link RunTelemetry} on the OpenTelemetry SDK. Spans: {@code run <plan>} (attributes
 * {@code perfplan.plan}, {@code perfplan.run.id}, {@code perfplan.status}) with one child
 * {@code step <id>} per attempt ({@code perfplan.step.id}, {@code perfplan.action},
 * {@code perfplan.attempt}, {@code perfplan.status}) and the children actions open. Parents are
 * passed explicitly, so parallel steps on other threads nest correctly; nested steps (an optimize
 * trial's) are {@code step <parent>.<id>} spans under the span they run in. Metrics:
 * {@code perfplan.run.duration} and {@code perfplan.step.duration} histograms in seconds and the
 * {@code perfplan.step.outcomes} counter, by plan, action and status.
 */
final class OtelRunTelemetry implements RunTelemetry {

    static final AttributeKey<String> PLAN = AttributeKey.stringKey("perfplan.plan");
    static final AttributeKey<Long> RUN_ID = AttributeKey.longKey("perfplan.run.id");
    static final AttributeKey<String> STEP_ID = AttributeKey.stringKey("perfplan.step.id");
    static final AttributeKey<String> ACTION = AttributeKey.stringKey("perfplan.action");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("perfplan.attempt");
    static final AttributeKey<String> STATUS = AttributeKey.stringKey("perfplan.status");

    /** Held so the level set on it stays: the SDK's export failures become one line from {@link #close}. */
    private static final java.util.logging.Logger SDK_LOG = java.util.logging.Logger.getLogger("io.opentelemetry");
    private static final long SHUTDOWN_WAIT_SECONDS = 3;

    private final OpenTelemetry otel;
    private final OpenTelemetrySdk owned;
    private final Tracer tracer;
    private final DoubleHistogram runDuration;
    private final DoubleHistogram stepDuration;
    private final LongCounter stepOutcomes;
    private final DoubleHistogram latency;
    static final AttributeKey<String> HISTOGRAM = AttributeKey.stringKey("perfplan.histogram");

    OtelRunTelemetry(OpenTelemetry otel, OpenTelemetrySdk owned) {
        this.otel = otel;
        this.owned = owned;
        this.tracer = otel.getTracer("io.perfplan", version());
        Meter meter = otel.getMeter("io.perfplan");
        this.runDuration = meter.histogramBuilder("perfplan.run.duration").setUnit("s").setDescription("Duration of runs.").build();
        this.stepDuration = meter.histogramBuilder("perfplan.step.duration").setUnit("s").setDescription("Duration of step attempts.").build();
        this.stepOutcomes = meter.counterBuilder("perfplan.step.outcomes").setDescription("Step attempts by status.").build();
        this.latency = meter.histogramBuilder("perfplan.latency").setUnit("ms")
                .setDescription("Request latencies of load tests (attribute perfplan.histogram: latency or service_time).")
                .setExplicitBucketBoundariesAdvice(java.util.List.of(0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0,
                        1000.0, 2500.0, 5000.0, 10000.0))
                .build();
    }

    /** Telemetry on an SDK this class did not build (tests with in-memory exporters); closing leaves it open. */
    public static RunTelemetry on(OpenTelemetry otel) {
        return new OtelRunTelemetry(otel, null);
    }

    /**
     * The SDK configured from OTEL_* variables and system properties; defaults: service.name perfplan,
     * OTLP over HTTP/protobuf, no log export.
     */
    static RunTelemetry autoconfigured() {
        SDK_LOG.setLevel(java.util.logging.Level.OFF);
        try {
            OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> Map.of("otel.service.name", "perfplan", "otel.logs.exporter", "none",
                            // the JDK HTTP sender is bundled; gRPC would need OkHttp or grpc-java
                            "otel.exporter.otlp.protocol", "http/protobuf"))
                    .disableShutdownHook()
                    .build().getOpenTelemetrySdk();
            return new OtelRunTelemetry(sdk, sdk);
        } catch (ConfigurationException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new IllegalArgumentException("OpenTelemetry is misconfigured: " + root.getMessage()
                    + "; check the OTEL_* environment variables (perfplan exports OTLP over http/protobuf only).", e);
        }
    }

    @Override
    public RunTrace startRun(String plan, long runId) {
        Span span = tracer.spanBuilder("run " + plan).setNoParent().setSpanKind(SpanKind.INTERNAL)
                .setAttribute(PLAN, plan).setAttribute(RUN_ID, runId).startSpan();
        Context parent = Context.root().with(span);
        return new RunTrace() {
            @Override
            public String traceId() {
                return span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : "";
            }

            @Override
            public StepTrace startStep(String stepId, String action, int attempt) {
                return new OtelStepTrace(plan, runId, parent, stepId, action, attempt);
            }

            @Override
            public void end(String status, String error, Duration took) {
                finish(span, status, error);
                runDuration.record(took.toNanos() / 1e9, Attributes.of(PLAN, plan, STATUS, status));
            }
        };
    }

    /** A step attempt's span under {@code parent}: the run's span, or for a nested step the span it runs in. */
    private final class OtelStepTrace implements StepTrace {
        private final String plan;
        private final long runId;
        private final String stepId;
        private final String action;
        private final Span step;
        private final Context context;

        OtelStepTrace(String plan, long runId, Context parent, String stepId, String action, int attempt) {
            this.plan = plan;
            this.runId = runId;
            this.stepId = stepId;
            this.action = action;
            this.step = tracer.spanBuilder("step " + stepId).setParent(parent)
                    .setAttribute(PLAN, plan).setAttribute(RUN_ID, runId).setAttribute(STEP_ID, stepId)
                    .setAttribute(ACTION, action).setAttribute(ATTEMPT, (long) attempt).startSpan();
            this.context = parent.with(step);
        }

        @Override
        public SpanScope child(String name) {
            return new OtelSpanScope(plan, runId, context, name);
        }

        @Override
        public StepTrace startStep(String nestedId, String nestedAction, int attempt) {
            return new OtelStepTrace(plan, runId, context, nestedId, nestedAction, attempt);
        }

        @Override
        public void histogram(String name, byte[] encoded) {
            org.HdrHistogram.Histogram h;
            try {
                h = org.HdrHistogram.Histogram.decodeFromCompressedByteBuffer(java.nio.ByteBuffer.wrap(encoded), 0);
            } catch (java.util.zip.DataFormatException | RuntimeException e) {
                return; // not a histogram of ours; nothing to export
            }
            Attributes a = Attributes.of(PLAN, plan, STEP_ID, stepId, HISTOGRAM, name);
            // one record per request: the SDK aggregates into buckets (about 0.1 s per million requests)
            for (org.HdrHistogram.HistogramIterationValue v : h.recordedValues()) {
                double ms = h.medianEquivalentValue(v.getValueIteratedTo()) / 1000.0;
                for (long i = 0; i < v.getCountAtValueIteratedTo(); i++) {
                    latency.record(ms, a);
                }
            }
        }

        @Override
        public void end(String status, String error, Duration took) {
            finish(step, status, error);
            Attributes a = Attributes.of(PLAN, plan, ACTION, action, STATUS, status);
            stepDuration.record(took.toNanos() / 1e9, a);
            stepOutcomes.add(1, a);
        }
    }

    /** A span an action opened (a loadtest stage, an optimize trial), under a step's span or another such span. */
    private final class OtelSpanScope implements SpanScope {
        private final String plan;
        private final long runId;
        private final Span span;
        private final Context context;

        OtelSpanScope(String plan, long runId, Context parent, String name) {
            this.plan = plan;
            this.runId = runId;
            this.span = tracer.spanBuilder(name).setParent(parent).startSpan();
            this.context = parent.with(span);
        }

        @Override
        public void attribute(String key, String value) {
            span.setAttribute(key, value);
        }

        @Override
        public void attribute(String key, long value) {
            span.setAttribute(key, value);
        }

        @Override
        public void attribute(String key, double value) {
            span.setAttribute(key, value);
        }

        @Override
        public void attribute(String key, boolean value) {
            span.setAttribute(key, value);
        }

        @Override
        public void failed(String reason) {
            span.setStatus(StatusCode.ERROR, reason);
        }

        @Override
        public SpanScope child(String name) {
            return new OtelSpanScope(plan, runId, context, name);
        }

        @Override
        public StepTrace startStep(String stepId, String action, int attempt) {
            return new OtelStepTrace(plan, runId, context, stepId, action, attempt);
        }

        @Override
        public void close() {
            span.end();
        }
    }

    private static void finish(Span span, String status, String error) {
        span.setAttribute(STATUS, status);
        if ("failed".equals(status) || "cancelled".equals(status)) {
            span.setStatus(StatusCode.ERROR, error == null ? status : error);
        }
        span.end();
    }

    /** The OpenTelemetry instance, for actions' own instruments (e.g. loadtest latency). */
    OpenTelemetry openTelemetry() {
        return otel;
    }

    @Override
    public void close() {
        if (owned == null) {
            return;
        }
        // bounded: an unreachable collector must not hold the command for the exporter's 10 s timeout and retries
        // (shutdown itself blocks while the metric reader exports, so it runs on its own daemon thread)
        java.util.concurrent.CompletableFuture<Boolean> done = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> done.complete(owned.shutdown().join(SHUTDOWN_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)
                .isSuccess()), "perfplan-otel-shutdown");
        t.setDaemon(true);
        t.start();
        boolean exported;
        try {
            exported = done.get(SHUTDOWN_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exported = false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            exported = false;
        }
        if (!exported) {
            System.err.println("perfplan: the run's telemetry could not be exported within " + SHUTDOWN_WAIT_SECONDS
                    + " s; check that an OTLP collector listens at OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318).");
        }
    }

    private static String version() {
        String v = OtelRunTelemetry.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
