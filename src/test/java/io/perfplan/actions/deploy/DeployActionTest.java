package io.perfplan.actions.deploy;

import static io.perfplan.actions.deploy.DeployRuns.demoService;
import static io.perfplan.actions.deploy.DeployRuns.get;
import static io.perfplan.actions.deploy.DeployRuns.step;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.perfplan.engine.RunReport;
import io.perfplan.engine.Status;
import io.perfplan.store.DeploymentRepository.DeploymentRow;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy and rollback end to end: real engine and H2, real demo-service processes, real HTTP on 127.0.0.1. */
class DeployActionTest {

    @TempDir
    java.nio.file.Path dir;

    private DeployRuns runs;
    private int port;

    @BeforeEach
    void open() throws Exception {
        runs = new DeployRuns(dir);
        port = DeployRuns.freePort();
    }

    @AfterEach
    void close() {
        runs.close();
    }

    private String deployStep(String id, String version, String extra, String more) {
        return """
                  - id: %s
                    action: deploy
                    with:
                      service: demo
                      version: "%s"
                      start: [sh, -c, "%s"]
                      health: {http: "http://127.0.0.1:%d/health", body_contains: "version=%s", timeout: 20s, interval: 100ms}
                      grace: 3s
                %s""".formatted(id, version, demoService(port, version, extra), port, version, more);
    }

    @Test
    void deploysAHealthyVersionRecordsItAndStopsIt() throws Exception {
        RunReport r = runs.run("plan: d\nsteps:\n" + deployStep("deploy", "1.0", "", ""));
        assertThat(r.status()).as(String.join("\n", runs.logs)).isEqualTo(Status.PASSED);
        Map<String, Object> out = step(r, "deploy").outputs();
        assertThat(out).containsEntry("version", "1.0").containsEntry("status", "healthy").containsEntry("previous_version", null);
        long pid = ((Number) out.get("pid")).longValue();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("the service outlives the run").contains(true);
        assertThat(get("http://127.0.0.1:" + port + "/health")).isEqualTo("200 ok version=1.0");
        assertThat(Files.readString(dir.resolve("logs/demo-1.0.log"))).contains("demo-service 1.0 listening");

        List<DeploymentRow> rows = runs.deployments("demo");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).status()).isEqualTo("healthy");
        assertThat(rows.get(0).runId()).isEqualTo(r.runId());
        assertThat(rows.get(0).finishedAt()).isNotNull();
        Map<String, Object> details = DeployRuns.parse(rows.get(0).details());
        assertThat(details.get("strategy")).isEqualTo("process");
        assertThat(((Number) details.get("pid")).longValue()).isEqualTo(pid);
        assertThat(step(r, "deploy").metrics()).anyMatch(m -> m.name().equals("health.attempts") && m.value() >= 1)
                .anyMatch(m -> m.name().equals("duration") && m.value() > 0);

        RunReport stop = runs.run("""
                plan: d
                steps:
                  - id: stop
                    action: deploy
                    with: {service: demo, stop: true, grace: 3s}
                """);
        assertThat(stop.status()).isEqualTo(Status.PASSED);
        assertThat(step(stop, "stop").message()).isEqualTo("stopped demo 1.0");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(runs.deployments("demo").get(0).status()).isEqualTo("stopped");
    }

    @Test
    void versionWhoseHealthNeverPassesIsRolledBackAndTheOldOneServesAgain() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            bodies.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        try {
            String alerts = "      alerts: [{log: true}, {webhook: \"http://127.0.0.1:" + hook.getAddress().getPort() + "/hook\"}]\n";
            // 2.0 starts fine but answers version=2.0 while its health check wants version=2.x-never
            String broken = deployStep("deploy_v2", "2.0", "", alerts)
                    .replace("body_contains: \"version=2.0\", timeout: 20s", "body_contains: \"version=2.x-never\", timeout: 6s");
            RunReport r = runs.run("plan: d\nsteps:\n" + deployStep("deploy_v1", "1.0", "", "") + broken);
            assertThat(r.status()).isEqualTo(Status.FAILED);
            String message = step(r, "deploy_v2").message();
            // the last round's problem is usually the wrong body; on a stalled machine it may be a timeout
            assertThat(message).startsWith("demo 2.0 failed: not healthy within 6s (GET http://127.0.0.1:" + port + "/health ")
                    .endsWith("; rolled back to 1.0, which is healthy again");
            assertThat(runs.logs).anyMatch(l -> l.startsWith("deploy_v2: not healthy yet (GET http://127.0.0.1:" + port
                    + "/health answered 200 without \"version=2.x-never\" in its body (got \"ok version=2.0\")"));
            assertThat(step(r, "deploy_v2").outputs()).containsEntry("rolled_back_to", "1.0").containsEntry("version", "1.0");
            assertThat(get("http://127.0.0.1:" + port + "/health")).isEqualTo("200 ok version=1.0");

            List<DeploymentRow> rows = runs.deployments("demo");
            assertThat(rows).extracting(DeploymentRow::version).containsExactly("1.0", "2.0", "1.0");
            assertThat(rows).extracting(DeploymentRow::status).containsExactly("healthy", "rolled_back", "superseded");
            Map<String, Object> restored = DeployRuns.parse(rows.get(0).details());
            assertThat(((Number) restored.get("rollback_of")).longValue()).isEqualTo(rows.get(1).id());
            long oldPid = ((Number) DeployRuns.parse(rows.get(2).details()).get("pid")).longValue();
            long newPid = ((Number) DeployRuns.parse(rows.get(1).details()).get("pid")).longValue();
            assertThat(ProcessHandle.of(oldPid).isPresent() || ProcessHandle.of(newPid).isPresent())
                    .as("both the first 1.0 process and the 2.0 process were stopped").isFalse();

            assertThat(bodies).hasSize(1);
            assertThat(bodies.get(0)).startsWith("POST application/json {");
            Map<String, Object> json = DeployRuns.parse(bodies.get(0).substring(bodies.get(0).indexOf('{')));
            assertThat(json).containsEntry("source", "perfplan").containsEntry("event", "rolled_back")
                    .containsEntry("service", "demo").containsEntry("environment", "default")
                    .containsEntry("version", "1.0").containsEntry("previous_version", "2.0")
                    .containsEntry("run_id", String.valueOf(r.runId())).containsEntry("plan", "d");
            assertThat((String) json.get("message")).contains("not healthy within 6s").contains("rolled back to 1.0");
            assertThat(runs.logs).anyMatch(l -> l.equals("deploy_v2: alert rolled_back sent to webhook http://127.0.0.1:"
                    + hook.getAddress().getPort() + "/hook"));
        } finally {
            hook.stop(0);
        }
    }

    @Test
    void rollsBackAfterAFailedGate() throws Exception {
        RunReport r = runs.run("plan: d\nsteps:\n" + deployStep("deploy_v1", "1.0", "", "")
                + deployStep("deploy_v2", "2.0", "--latency 60ms", "") + """
                  - id: load
                    action: loadtest
                    with: {url: "http://127.0.0.1:%d/api/x", rate: 20, duration: 2s}
                  - id: gate
                    action: validate
                    continue_on_error: true
                    with: {thresholds: ["load.latency.p50 < 40ms"]}
                  - id: undo
                    action: rollback
                    if: "${failed('gate')}"
                    with: {service: demo, reason: the gate failed, grace: 3s}
                """.formatted(port));
        assertThat(r.status()).as(String.join("\n", runs.logs)).isEqualTo(Status.PASSED);
        assertThat(step(r, "gate").status()).isEqualTo(Status.FAILED);
        assertThat(step(r, "undo").message()).isEqualTo("demo 2.0 rolled back to 1.0, which is healthy");
        assertThat(step(r, "undo").outputs()).containsEntry("version", "1.0").containsEntry("from_version", "2.0");
        assertThat(get("http://127.0.0.1:" + port + "/api/x")).contains("\"version\":\"1.0\"");
        List<DeploymentRow> rows = runs.deployments("demo");
        assertThat(rows).extracting(DeploymentRow::status).containsExactly("healthy", "rolled_back", "superseded");
        assertThat(DeployRuns.parse(rows.get(0).details()).get("reason")).isEqualTo("the gate failed");
        assertThat(runs.logs).contains("undo: waiting up to 20s for GET http://127.0.0.1:" + port + "/health containing \"version=1.0\"");
    }

    @Test
    void aSupervisedProcessThatDiesIsDetectedByItsHealthCheck() throws Exception {
        long start = System.nanoTime();
        RunReport r = runs.run("""
                plan: d
                steps:
                  - id: deploy
                    action: deploy
                    with:
                      service: crashy
                      version: "1.0"
                      start: [sh, -c, "echo starting; sleep 0.5; echo 'fatal: no config' >&2; exit 3"]
                      health: {tcp: "127.0.0.1:%d", timeout: 60s, interval: 100ms}
                """.formatted(port));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(step(r, "deploy").message()).startsWith("crashy 1.0 failed: the process ")
                .contains("exited before it became healthy; the end of logs/crashy-1.0.log: starting fatal: no config")
                .endsWith("; there is no earlier healthy version to roll back to");
        assertThat(seconds).as("noticed long before the 60 s health timeout").isLessThan(30);
        assertThat(runs.deployments("crashy")).extracting(DeploymentRow::status).containsExactly("failed");
    }

    @Test
    void rollbackWithoutAnEarlierVersionOrWithAnOptimizationIsRefusedClearly() throws Exception {
        RunReport r = runs.run("""
                plan: d
                steps:
                  - id: undo
                    action: rollback
                    with: {service: nothing}
                  - id: opt
                    action: rollback
                    if: always()
                    with: {optimization: tune}
                """);
        assertThat(step(r, "undo").message()).isEqualTo("there are no deployments of nothing in default to roll back; "
                + "deploy it first (see `perfplan deployments`)");
        assertThat(step(r, "opt").message()).startsWith("step 'tune' of this plan has no applied optimization to undo");
    }

    @Test
    void commandStrategyGetsTheSecretButStoresItMaskedAndRollsBackWithTheEarlierCommand() throws Exception {
        String plan = """
                plan: d
                secrets: [API_TOKEN]
                steps:
                  - id: v1
                    action: deploy
                    with:
                      service: api
                      version: "1.0"
                      env: {API_TOKEN: "${secrets.API_TOKEN}"}
                      command: [sh, -c, 'test "$API_TOKEN" = "$EXPECTED_TOKEN" && echo "$PERFPLAN_SERVICE $PERFPLAN_VERSION $PERFPLAN_ENVIRONMENT" >> deployed.txt']
                  - id: v2
                    action: deploy
                    with:
                      service: api
                      version: "2.0"
                      command: [sh, -c, 'echo "api 2.0 default" >> deployed.txt']
                      health: {command: ["false"], timeout: 1s, interval: 100ms}
                """;
        RunReport r = runs.run(plan, Map.of("API_TOKEN", "s3cret-value", "EXPECTED_TOKEN", "s3cret-value"));
        assertThat(step(r, "v1").status()).as(String.join("\n", runs.logs)).isEqualTo(Status.PASSED);
        assertThat(step(r, "v2").message()).startsWith("api 2.0 failed: not healthy within 1s (command false exited 1)")
                .endsWith("rolled back to 1.0, which is healthy again");
        assertThat(Files.readAllLines(dir.resolve("deployed.txt"))).containsExactly("api 1.0 default", "api 2.0 default", "api 1.0 default");
        for (DeploymentRow d : runs.deployments("api")) {
            assertThat(d.details()).doesNotContain("s3cret-value");
        }
        assertThat(DeployRuns.parse(runs.deployments("api").get(2).details()).get("env")).isEqualTo(Map.of("API_TOKEN", "***"));
        assertThat(runs.deployments("api")).extracting(DeploymentRow::status).containsExactly("healthy", "rolled_back", "superseded");
    }

    @Test
    void keepsAFailedVersionWhenAskedAndRollsBackToANamedVersion() throws Exception {
        String deploy = """
                  - id: %s
                    action: deploy
                    if: always()
                    with:
                      service: batch
                      version: "%s"
                      command: [sh, -c, 'echo "$PERFPLAN_VERSION" >> versions.txt; exit %d']
                      health: {command: [sh, -c, 'tail -n 1 versions.txt | grep -qv bad'], timeout: 500ms, interval: 100ms}
                      on_failure: %s
                """;
        RunReport r = runs.run("plan: b\nsteps:\n" + deploy.formatted("v1", "1.0", 0, "rollback")
                + deploy.formatted("v2", "2.0", 0, "rollback")
                + deploy.formatted("bad", "3.0-bad", 0, "keep")
                + deploy.formatted("broken", "4.0", 1, "rollback")
                + """
                  - id: back
                    action: rollback
                    if: always()
                    with: {service: batch, to: "1.0"}
                  - id: nowhere
                    action: rollback
                    if: always()
                    with: {service: batch, to: "9.9"}
                """);
        assertThat(step(r, "bad").message()).isEqualTo("batch 3.0-bad failed: not healthy within 500ms (command sh -c tail -n 1 "
                + "versions.txt | grep -qv bad exited 1) (on_failure: keep, so it stays in place)");
        assertThat(runs.logs).contains("bad: ALERT deploy_failed batch@default 3.0-bad: batch 3.0-bad failed: not healthy within 500ms "
                + "(command sh -c tail -n 1 versions.txt | grep -qv bad exited 1); on_failure: keep, so it stays in place");
        assertThat(step(r, "broken").message()).isEqualTo("batch 4.0 failed: the command `sh -c echo \"$PERFPLAN_VERSION\" >> "
                + "versions.txt; exit 1` exited 1; rolled back to 2.0, which is healthy again");
        assertThat(step(r, "back").message()).isEqualTo("batch 2.0 rolled back to 1.0, which is healthy");
        assertThat(step(r, "nowhere").message()).isEqualTo("batch has no earlier healthy deployment of version 9.9 in default; "
                + "healthy versions: 1.0, 2.0");
        assertThat(Files.readAllLines(dir.resolve("versions.txt"))).containsExactly("1.0", "2.0", "3.0-bad", "4.0", "2.0", "1.0");
        assertThat(runs.deployments("batch")).extracting(d -> d.version() + " " + d.status()).containsExactly(
                "1.0 healthy", "2.0 rolled_back", "4.0 rolled_back", "3.0-bad failed", "2.0 superseded", "1.0 superseded");
    }
}
