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
    void eachLoadtestStageIsASpanWithWhatItMeasured() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
        try {
            // from 0 to 50/s over 1 s (25 requests), then to 100/s over 1 s (75), after 500 ms of warm-up at 50/s
            RunReport report = run("""
                    plan: staged
                    steps:
                      - id: ramp
                        action: loadtest
                        with:
                          url: "http://127.0.0.1:%d/x"
                          warmup: 500ms
                          stages: [{duration: 1s, rate: 50}, {duration: 1s, rate: 100}]
                    """.formatted(server.getAddress().getPort()));
            assertThat(report.steps().get(0).status()).as(report.steps().get(0).message()).isEqualTo(io.perfplan.engine.Status.PASSED);

            SpanData run = only("run staged");
            SpanData step = only("step ramp");
            SpanData load = only("loadtest.run");
            assertThat(step.getParentSpanId()).isEqualTo(run.getSpanId());
            assertThat(load.getParentSpanId()).isEqualTo(step.getSpanId());
            List<SpanData> phases = children(load);
            assertThat(phases).extracting(SpanData::getName).containsExactly("loadtest.warmup", "loadtest.stage", "loadtest.stage");
            assertThat(phases.get(0).getAttributes().get(doubleKey("perfplan.loadtest.rate.target"))).isEqualTo(50.0);
            assertThat(phases.get(0).getAttributes().get(longKey("perfplan.loadtest.requests"))).isNull(); // warm-up is not recorded
            assertThat(phases.subList(1, 3)).extracting(p -> p.getAttributes().get(longKey("perfplan.loadtest.stage"))).containsExactly(1L, 2L);
            assertThat(phases.subList(1, 3)).extracting(p -> p.getAttributes().get(doubleKey("perfplan.loadtest.rate.start")))
                    .containsExactly(0.0, 50.0);
            assertThat(phases.subList(1, 3)).extracting(p -> p.getAttributes().get(doubleKey("perfplan.loadtest.rate.target")))
                    .containsExactly(50.0, 100.0);
            assertThat(phases.subList(1, 3)).extracting(p -> p.getAttributes().get(longKey("perfplan.loadtest.planned_ms")))
                    .containsExactly(1000L, 1000L);
            assertThat(phases.subList(1, 3)).allSatisfy(p -> {
                assertThat(p.getAttributes().get(longKey("perfplan.loadtest.errors"))).isZero();
                assertThat(p.getAttributes().get(doubleKey("perfplan.loadtest.throughput"))).isPositive();
            });
            long first = phases.get(1).getAttributes().get(longKey("perfplan.loadtest.requests"));
            long second = phases.get(2).getAttributes().get(longKey("perfplan.loadtest.requests"));
            assertThat(first + second).isEqualTo(100);
            assertThat(first).isBetween(10L, 40L); // a request counts in the stage it ended in, give or take the collection
            // in time order, one after the other, inside the load test's span
            assertThat(phases.get(1).getStartEpochNanos()).isGreaterThanOrEqualTo(phases.get(0).getEndEpochNanos());
            assertThat(phases.get(2).getStartEpochNanos()).isGreaterThanOrEqualTo(phases.get(1).getEndEpochNanos());
            assertThat(phases.get(2).getEndEpochNanos()).isLessThanOrEqualTo(load.getEndEpochNanos());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void eachOptimizeTrialIsASpanAndItsNestedStepsRunUnderIt() throws Exception {
        RunReport report = run("""
                plan: tuned
                steps:
                  - id: tune
                    action: optimize
                    with:
                      parameters: {s: ["0.3", "0.01", "bad"]}
                      trial:
                        steps:
                          - id: prepare
                            action: exec
                            with: {command: ["[ {{trial.s}} != bad ]"], shell: true}
                          - id: work
                            action: exec
                            with: {command: [sleep, "{{trial.s}}"]}
                      objective: {metric: work.wall}
                      current: {s: "0.3"}
                      repeats: 2
                      accept: {min_improvement: 10%, alpha: 0.05, runs: 5}
                """);
        assertThat(report.steps().get(0).status()).as(report.steps().get(0).message()).isEqualTo(io.perfplan.engine.Status.PASSED);

        SpanData step = only("step tune");
        assertThat(step.getParentSpanId()).isEqualTo(only("run tuned").getSpanId());
        List<SpanData> trials = children(step).stream().filter(s -> s.getName().equals("optimize.trial")).toList();
        assertThat(trials).extracting(t -> t.getAttributes().get(longKey("perfplan.trial.number"))).containsExactly(0L, 1L, 2L, 3L);
        assertThat(trials).extracting(t -> t.getAttributes().get(AttributeKey.stringKey("perfplan.trial.role")))
                .containsExactly("current", "candidate", "candidate", "candidate");
        assertThat(trials).extracting(t -> t.getAttributes().get(AttributeKey.stringKey("perfplan.trial.param.s")))
                .containsExactly("0.3", "0.3", "0.01", "bad");
        assertThat(trials).allMatch(t -> t.getAttributes().get(longKey("perfplan.trial.repeats")) == 2L);
        assertThat(trials).extracting(t -> t.getAttributes().get(AttributeKey.stringKey("perfplan.status")))
                .containsExactly("passed", "passed", "passed", "failed");
        assertThat(trials.subList(0, 3)).allSatisfy(t -> {
            assertThat(t.getAttributes().get(doubleKey("perfplan.trial.objective"))).isPositive();
            assertThat(t.getAttributes().get(longKey("perfplan.trial.samples"))).isEqualTo(2);
            // each of the 2 runs is the trial's nested steps, as step spans under the trial's
            assertThat(children(t)).extracting(SpanData::getName)
                    .containsExactly("step tune.prepare", "step tune.work", "step tune.prepare", "step tune.work");
        });
        assertThat(trials.get(2).getAttributes().get(doubleKey("perfplan.trial.objective")))
                .isLessThan(trials.get(1).getAttributes().get(doubleKey("perfplan.trial.objective")));
        SpanData failed = trials.get(3);
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
        assertThat(failed.getStatus().getDescription()).contains("nested step 'prepare' failed");
        assertThat(children(failed)).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("step tune.prepare");
            assertThat(p.getAttributes().get(OtelRunTelemetry.STATUS)).isEqualTo("failed");
            assertThat(p.getAttributes().get(OtelRunTelemetry.ACTION)).isEqualTo("exec");
        });
        // the final comparison of the winner with the current configuration: 5 interleaved runs of each
        SpanData confirm = children(step).stream().filter(s -> s.getName().equals("optimize.confirm")).findFirst().orElseThrow();
        assertThat(confirm.getAttributes().get(longKey("perfplan.optimize.runs"))).isEqualTo(5);
        assertThat(confirm.getAttributes().get(doubleKey("perfplan.optimize.improvement_pct"))).isPositive();
        assertThat(children(confirm)).hasSize(20).allMatch(s -> s.getName().startsWith("step tune."));
        assertThat(children(step)).extracting(SpanData::getName).containsOnly("optimize.trial", "optimize.confirm");
    }

    private RunReport run(String yaml) throws Exception {
        ActionRegistry actions = ActionRegistry.withBuiltIns();
        Expressions expressions = new Expressions(() -> {
            throw new AssertionError("plain expressions only");
        });
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, yaml);
        Plan plan = new PlanValidator(actions, expressions).loadAndValidate(file);
        return new Engine(actions, db.runs(), expressions).withTelemetry(OtelRunTelemetry.on(sdk))
                .run(plan, Map.of(), new Engine.RunOptions("test", RunListener.NONE, new Cancellation(), System.getenv()));
    }

    private SpanData only(String name) {
        List<SpanData> named = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(named).as("spans named %s", name).hasSize(1);
        return named.get(0);
    }

    /** The spans whose parent is {@code parent}, in start order. */
    private List<SpanData> children(SpanData parent) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
                .sorted(java.util.Comparator.comparingLong(SpanData::getStartEpochNanos)).toList();
    }

    private static AttributeKey<Long> longKey(String key) {
        return AttributeKey.longKey(key);
    }

    private static AttributeKey<Double> doubleKey(String key) {
        return AttributeKey.doubleKey(key);
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
            // a closed model has no stages: its measured part is one span
            assertThat(children(load)).singleElement().satisfies(m -> {
                assertThat(m.getName()).isEqualTo("loadtest.measure");
                assertThat(m.getAttributes().get(longKey("perfplan.loadtest.requests"))).isEqualTo(20);
                assertThat(m.getAttributes().get(doubleKey("perfplan.loadtest.rate.target"))).isNull();
            });
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
