package io.perfplan.actions.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
import io.perfplan.plan.PlanException;
import io.perfplan.plan.PlanValidator;
import io.perfplan.store.Database;

/** The loadtest action end to end: a YAML plan through the real engine into a real H2 file, against the demo service. */
@Timeout(60)
class LoadtestPlanTest {

    @TempDir
    Path dir;

    private Database db;
    private DemoService demo;
    private final ActionRegistry actions = ActionRegistry.withBuiltIns();
    private final Expressions expressions = new Expressions(() -> {
        throw new AssertionError("these plans use plain expressions only");
    });

    @BeforeEach
    void open() throws InterruptedException {
        db = Database.open(Database.defaultUrl(dir), null, null);
        demo = DemoService.start(DemoService.Options.onPort(0).withVersion("3.1").withThreads(1));
    }

    @AfterEach
    void close() {
        demo.close();
        db.close();
    }

    private RunReport run(String yaml, Map<String, String> params) throws Exception {
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, yaml);
        Plan plan = new PlanValidator(actions, expressions).loadAndValidate(file);
        return new Engine(actions, db.runs(), expressions).run(plan, Engine.resolveParams(plan, params),
                new Engine.RunOptions("test", new RunListener() { }, new Cancellation(), System.getenv()));
    }

    private static StepReport step(RunReport r, String id) {
        return r.steps().stream().filter(s -> s.stepId().equals(id)).findFirst().orElseThrow();
    }

    private static double metric(StepReport s, String name) {
        return s.metrics().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow().value();
    }

    @Test
    void loadsTheDemoServiceGatesOnItsMetricsAndStoresTheRun() throws Exception {
        RunReport r = run("""
                plan: load-e2e
                params:
                  port: {type: int}
                vars:
                  target: http://127.0.0.1:${params.port}
                steps:
                  - id: load
                    action: loadtest
                    with:
                      url: ${vars.target}/api/orders
                      rate: 200
                      duration: 2s
                      warmup: 500ms
                      checks: {status: [2xx], body_contains: '"version":"3.1"'}
                      thresholds: ["latency.p99 < 60s", "error_rate < 1%"]   # wide: this checks the wiring, not the machine
                  - id: gate
                    action: validate
                    with:
                      thresholds: ["load.error_rate < 1%", "load.requests == 400"]
                """, Map.of("port", String.valueOf(demo.port())));

        assertThat(r.status()).as(r.error() + " " + r.steps()).isEqualTo(Status.PASSED);
        StepReport load = step(r, "load");
        assertThat(metric(load, "requests")).isEqualTo(400);
        assertThat(metric(load, "errors.status")).isZero();
        assertThat(metric(load, "latency.p99")).isPositive();
        try (Connection c = db.connection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("select name from histograms where run_id = " + r.runId() + " and step_id = 'load' order by name");
            java.util.List<String> names = new java.util.ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            assertThat(names).containsExactly("latency", "service_time");
            rs = s.executeQuery("select count(*) from samples where run_id = " + r.runId() + " and step_id = 'load'");
            rs.next();
            assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void inputsThatDoNotFitTogetherAreRejectedWhenThePlanIsValidated() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                plan: load-bad
                steps:
                  - id: load
                    action: loadtest
                    with:
                      url: http://127.0.0.1:8080/
                      rate: 100
                      stages: [{duration: 1s, rate: 10}]
                  - id: load2
                    action: loadtest
                    with: {url: http://127.0.0.1:8080/, connections: 2, thresholds: ["latency.p99 < 5 parsecs"]}
                """);
        assertThatThrownBy(() -> new PlanValidator(actions, expressions).loadAndValidate(file))
                .isInstanceOf(PlanException.class)
                .hasMessageContaining("bad.yaml:6:")
                .hasMessageContaining("set either rate or stages, not both")
                .hasMessageContaining("column 17: unknown unit 'parsecs'");
    }

    @Test
    void aDeadTargetFailsTheStepWithAClearMessage() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RunReport r = run("""
                plan: load-dead
                steps:
                  - id: load
                    action: loadtest
                    with: {url: "http://127.0.0.1:%d/", connections: 2, duration: 500ms}
                """.formatted(port), Map.of());
        assertThat(r.status()).isEqualTo(Status.FAILED);
        StepReport load = step(r, "load");
        assertThat(load.message()).contains("refused").contains("127.0.0.1:" + port);
        assertThat(metric(load, "error_rate")).isEqualTo(100.0);
    }
}
