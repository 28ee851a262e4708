package io.perfplan.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.perfplan.engine.ActionRegistry;
import io.perfplan.engine.Cancellation;
import io.perfplan.engine.Engine;
import io.perfplan.engine.RunListener;
import io.perfplan.engine.RunReport;
import io.perfplan.plan.Expressions;
import io.perfplan.plan.Plan;
import io.perfplan.plan.PlanValidator;
import io.perfplan.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The span tree of a real run through the engine, captured with the SDK's in-memory exporter. */
class RunTracingTest {

    @TempDir
    Path dir;

    private Database db;
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private OpenTelemetrySdk sdk;

    @BeforeEach
    void open() {
        db = Database.open(Database.defaultUrl(dir), null, null);
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
                .build();
    }

    @AfterEach
    void close() {
        sdk.close();
        db.close();
    }

    @Test
    void eachRunIsATraceAndEachStepAttemptASpanUnderIt() throws Exception {
        ActionRegistry actions = ActionRegistry.withBuiltIns();
        Expressions expressions = new Expressions(() -> {
            throw new AssertionError("plain expressions only");
        });
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, """
                plan: traced
                steps:
                  - id: first
                    action: exec
                    with: {command: [echo, hi]}
                  - parallel:
                      - id: left
                        action: exec
                        with: {command: [echo, left]}
                      - id: watch
                        action: observe
                        with: {duration: 200ms, interval: 100ms, system: false}
                  - id: flaky
                    action: exec
                    retry: {attempts: 2, delay: 10ms}
                    with: {command: ["false"]}
                """);
        Plan plan = new PlanValidator(actions, expressions).loadAndValidate(file);
        RunReport report = new Engine(actions, db.runs(), expressions).withTelemetry(OtelRunTelemetry.on(sdk))
                .run(plan, Map.of(), new Engine.RunOptions("test", RunListener.NONE, new Cancellation(), System.getenv()));

        List<SpanData> all = spans.getFinishedSpanItems();
        SpanData run = all.stream().filter(s -> s.getName().equals("run traced")).findFirst().orElseThrow();
        assertThat(run.getParentSpanContext().isValid()).isFalse();
        assertThat(run.getAttributes().get(OtelRunTelemetry.RUN_ID)).isEqualTo(report.runId());
        assertThat(run.getAttributes().get(OtelRunTelemetry.STATUS)).isEqualTo("failed");
        assertThat(all).allMatch(s -> s.getTraceId().equals(run.getTraceId()));
        assertThat(db.runs().run(report.runId()).orElseThrow().traceId()).isEqualTo(run.getTraceId());

        Map<String, List<SpanData>> steps = all.stream().filter(s -> s.getName().startsWith("step "))
                .collect(Collectors.groupingBy(SpanData::getName));
        assertThat(steps.keySet()).containsExactlyInAnyOrder("step first", "step left", "step watch", "step flaky");
        assertThat(steps.values().stream().flatMap(List::stream)).allMatch(s -> s.getParentSpanId().equals(run.getSpanId()));
        assertThat(steps.get("step flaky")).extracting(s -> s.getAttributes().get(OtelRunTelemetry.ATTEMPT)).containsExactlyInAnyOrder(1L, 2L);
        assertThat(steps.get("step flaky")).allMatch(s -> "failed".equals(s.getAttributes().get(OtelRunTelemetry.STATUS)));
        SpanData watch = steps.get("step watch").get(0);
        assertThat(watch.getAttributes().get(OtelRunTelemetry.ACTION)).isEqualTo("observe");
        assertThat(watch.getAttributes().get(OtelRunTelemetry.STEP_ID)).isEqualTo("watch");
        SpanData window = all.stream().filter(s -> s.getName().equals("observe.window")).findFirst().orElseThrow();
        assertThat(window.getParentSpanId()).isEqualTo(watch.getSpanId());
        assertThat(window.getAttributes().get(AttributeKey.stringKey("perfplan.window.from"))).isNotBlank();

        Map<String, MetricData> byName = metrics.collectAllMetrics().stream().collect(Collectors.toMap(MetricData::getName, m -> m));
        assertThat(byName).containsKeys("perfplan.run.duration", "perfplan.step.duration", "perfplan.step.outcomes");
        long outcomes = byName.get("perfplan.step.outcomes").getLongSumData().getPoints().stream().mapToLong(p -> p.getValue()).sum();
        assertThat(outcomes).isEqualTo(5); // first, left, watch and two attempts of flaky
    }

    @Test
    void loadtestSendsTheRunsTraceIdInTraceparentAndOpensAChildSpan() throws Exception {
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String h = ex.getRequestHeaders().getFirst("traceparent");
            if (h != null) {
                seen.add(h);
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
        try {
            ActionRegistry actions = ActionRegistry.withBuiltIns();
            Expressions expressions = new Expressions(() -> {
                throw new AssertionError("plain expressions only");
            });
            Path file = dir.resolve("load.yaml");
            Files.writeString(file, """
                    plan: load
                    steps:
                      - id: hit
                        action: loadtest
                        with: {url: "http://127.0.0.1:%d/x", connections: 1, max_requests: 20, duration: 10s, trace_sample: 100%%}
                    """.formatted(server.getAddress().getPort()));
            Plan plan = new PlanValidator(actions, expressions).loadAndValidate(file);
            RunReport report = new Engine(actions, db.runs(), expressions).withTelemetry(OtelRunTelemetry.on(sdk))
                    .run(plan, Map.of(), new Engine.RunOptions("test", RunListener.NONE, new Cancellation(), System.getenv()));
            String traceId = db.runs().run(report.runId()).orElseThrow().traceId();
            assertThat(report.steps().get(0).outputs().get("trace_id")).isEqualTo(traceId);
            assertThat(seen).hasSize(20).allMatch(h -> h.startsWith("00-" + traceId + "-") && h.endsWith("-01"));
            SpanData step = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("step hit")).findFirst().orElseThrow();
            SpanData load = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("loadtest.run")).findFirst().orElseThrow();
            assertThat(load.getParentSpanId()).isEqualTo(step.getSpanId());
            MetricData latency = metrics.collectAllMetrics().stream().filter(m -> m.getName().equals("perfplan.latency"))
                    .findFirst().orElseThrow();
            assertThat(latency.getHistogramData().getPoints()).anySatisfy(p -> {
                assertThat(p.getAttributes().get(OtelRunTelemetry.HISTOGRAM)).isEqualTo("latency");
                assertThat(p.getCount()).isEqualTo(20);
                assertThat(p.getMax()).isPositive();
            });
        } finally {
            server.stop(0);
        }
    }
}
