package io.perfplan.actions.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.perfplan.demo.DemoService;
import io.perfplan.engine.ActionRegistry;
import io.perfplan.engine.Cancellation;
import io.perfplan.engine.Engine;
import io.perfplan.engine.RunListener;
import io.perfplan.engine.RunReport;
import io.perfplan.engine.Status;
import io.perfplan.engine.StepReport;
import io.perfplan.plan.Expressions;
import io.perfplan.plan.Plan;
import io.perfplan.plan.PlanValidator;
import io.perfplan.store.Database;
import io.perfplan.store.RunRepository;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The observe action end to end: real engine and H2 file, a real log file, demo-service's /metrics, a real webhook receiver. */
class ObserveActionTest {

    @TempDir
    Path dir;

    private Database db;
    private final ActionRegistry actions = ActionRegistry.withBuiltIns();
    private final Expressions expressions = new Expressions(() -> {
        throw new AssertionError("these plans use plain expressions only");
    });
    private final List<String> logs = new CopyOnWriteArrayList<>();
    private HttpServer webhook;
    private final List<String> received = new CopyOnWriteArrayList<>();

    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    @BeforeEach
    void open() throws Exception {
        db = Database.open(Database.defaultUrl(dir), null, null);
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/alerts", ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        webhook.start();
    }

    @AfterEach
    void close() {
        webhook.stop(0);
        db.close();
    }

    private RunReport run(String yaml) throws Exception {
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, yaml);
        Plan plan = new PlanValidator(actions, expressions).loadAndValidate(file);
        RunListener listener = new RunListener() {
            @Override
            public void stepLog(String stepId, String message) {
                logs.add(stepId + ": " + message);
            }
        };
        return new Engine(actions, db.runs(), expressions).run(plan, Engine.resolveParams(plan, Map.of()),
                new Engine.RunOptions("test", listener, new Cancellation(), System.getenv()));
    }

    private static StepReport step(RunReport r, String id) {
        return r.steps().stream().filter(s -> s.stepId().equals(id)).findFirst().orElseThrow();
    }

    private static double metric(StepReport s, String name) {
        return s.metrics().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow(
                () -> new AssertionError("no metric " + name + " in " + s.metrics())).value();
    }

    @Test
    void watchesSystemProcessLogsAndMetricsAndFiresOnlyTheRuleThatHolds() throws Exception {
        Instant now = Instant.now();
        List<String> lines = new ArrayList<>();
        lines.add(TS.format(now.minusSeconds(3600)) + " ERROR c.e.Old - long ago, outside the window");
        for (int i = 0; i < 3; i++) {
            lines.add(TS.format(now.plusMillis(1500 + i)) + " ERROR c.e.Pay - payment " + (700 + i) + " declined");
        }
        for (int i = 0; i < 5; i++) {
            lines.add(TS.format(now.plusMillis(1600 + i)) + " INFO  c.e.Pay - payment " + i + " accepted");
        }
        Files.write(dir.resolve("app.log"), lines);
        try (DemoService demo = DemoService.start(DemoService.Options.onPort(0))) {
            HttpClient client = HttpClient.newHttpClient();
            for (int i = 0; i < 4; i++) {
                client.send(HttpRequest.newBuilder(URI.create(demo.baseUrl() + "/")).build(), HttpResponse.BodyHandlers.discarding());
            }
            RunReport r = run("""
                    plan: watch
                    steps:
                      - id: watch
                        action: observe
                        with:
                          window: run
                          duration: 2500ms
                          interval: 250ms
                          timezone: UTC
                          pid: %d
                          logs: [{path: app.log, format: logback}]
                          metrics_url: %s/metrics
                          series: [demo_requests_total, "demo_responses_total{class=\\"2xx\\"}"]
                          webhook: http://127.0.0.1:%d/alerts
                          alerts:
                            - {name: errors, when: "log.errors > 2", severity: critical, notify: [log, webhook]}
                            - {when: "system.cpu.max > 100%%", for: 1s}
                            - {when: "process.rss < 1KB"}
                    """.formatted(ProcessHandle.current().pid(), demo.baseUrl(), webhook.getAddress().getPort()));
            StepReport s = step(r, "watch");
            assertThat(s.status()).as(s.message() + " " + logs).isEqualTo(Status.PASSED);
            assertThat(metric(s, "log.errors")).isEqualTo(3);
            assertThat(metric(s, "log.lines")).isEqualTo(8);
            assertThat(metric(s, "log.error_rate")).isEqualTo(37.5);
            assertThat(metric(s, "alerts")).isEqualTo(1);
            assertThat(metric(s, "system.cpu.mean")).isBetween(0.0, 100.0);
            assertThat(metric(s, "process.rss.max")).isGreaterThan(1 << 20);
            assertThat(metric(s, "prom.demo_requests_total")).isGreaterThanOrEqualTo(4); // its own scrapes count too
            assertThat(metric(s, "prom.demo_responses_total.2xx")).isGreaterThanOrEqualTo(4);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> top = (List<Map<String, Object>>) s.outputs().get("top_errors");
            assertThat(top).containsExactly(Map.of("message", "payment <n> declined", "level", "ERROR", "count", 3L));

            List<RunRepository.AlertRow> stored = db.runs().alerts(r.runId());
            assertThat(stored).hasSize(1);
            assertThat(stored.get(0).rule()).isEqualTo("errors");
            assertThat(stored.get(0).severity()).isEqualTo("critical");
            assertThat(stored.get(0).stepId()).isEqualTo("watch");
            assertThat(stored.get(0).message()).contains("log.errors > 2", "log.errors = 3");
            assertThat(received).hasSize(1);
            assertThat(received.get(0)).contains("\"event\":\"observe_alert\"", "\"plan\":\"watch\"", "alert 'errors' (critical)");
            assertThat(logs).anyMatch(l -> l.contains("alert 'errors' (critical)"));
        }
    }

    @Test
    void samplesTheProcessOfADeployedService() throws Exception {
        RunReport r = run("""
                plan: watch
                steps:
                  - id: up
                    action: deploy
                    with: {service: sleeper, version: "1", start: [sleep, "20"], health: {command: ["true"]}}
                  - id: watch
                    action: observe
                    with: {service: sleeper, duration: 600ms, interval: 200ms, system: false}
                  - id: missing
                    action: observe
                    continue_on_error: true
                    with: {service: nobody, duration: 200ms, interval: 100ms, system: false}
                """);
        Object pid = step(r, "up").outputs().get("pid");
        try {
            StepReport s = step(r, "watch");
            assertThat(s.status()).as(s.message() + " " + logs).isEqualTo(Status.PASSED);
            assertThat(metric(s, "process.rss.max")).isPositive();
            assertThat(metric(s, "process.threads.max")).isGreaterThanOrEqualTo(1);
            assertThat(step(r, "missing").message()).contains("service 'nobody'", "perfplan deployments");
        } finally {
            ProcessHandle.of(((Number) pid).longValue()).ifPresent(ProcessHandle::destroy);
        }
    }

    @Test
    void failsOnAlertWhenAsked() throws Exception {
        // the window is [run start, step start + 1.5 s]: a line written 1 s from now is inside it
        Files.write(dir.resolve("app.log"), List.of(TS.format(Instant.now().plusSeconds(1)) + " ERROR x - boom"));
        RunReport r = run("""
                plan: watch
                steps:
                  - id: watch
                    action: observe
                    with: {window: run, duration: 1500ms, system: false, timezone: UTC, logs: [{path: "*.log"}],
                           alerts: [{when: "log.errors >= 1"}], fail_on_alert: true}
                """);
        StepReport s = step(r, "watch");
        assertThat(s.status()).isEqualTo(Status.FAILED);
        assertThat(s.message()).contains("1 alert(s) fired", "log.errors >= 1");
        assertThat(db.runs().alerts(r.runId())).hasSize(1);

        java.io.PrintStream out = System.out;
        java.io.ByteArrayOutputStream shown = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(new java.io.PrintStream(shown, true, StandardCharsets.UTF_8));
            assertThat(io.perfplan.cli.Main.execute("show", String.valueOf(r.runId()), "--db", Database.defaultUrl(dir))).isZero();
        } finally {
            System.setOut(out);
        }
        assertThat(shown.toString(StandardCharsets.UTF_8)).contains("ALERT", "log.errors >= 1", "watch", "warning");
    }

    @Test
    void answersBadInputWithOneSentence() throws Exception {
        assertThatThrownBy(() -> run("""
                plan: watch
                steps:
                  - id: watch
                    action: observe
                    with: {duration: 1s, alerts: [{when: "log.errors > 1", notify: webhook}]}
                """)).hasMessageContaining("no webhook URL is set");
        assertThatThrownBy(() -> run("""
                plan: watch
                steps:
                  - id: watch
                    action: observe
                    with: {logs: [{path: a.log, format: syslog}]}
                """)).hasMessageContaining("syslog");
        RunReport bad = run("""
                plan: watch
                steps:
                  - id: watch
                    action: observe
                    with: {duration: 200ms, interval: 100ms, system: false, alerts: [{when: "system.cpu >"}]}
                """);
        assertThat(step(bad, "watch").status()).isEqualTo(Status.FAILED);
        assertThat(step(bad, "watch").message()).startsWith("alert 'system.cpu >'");
    }
}
