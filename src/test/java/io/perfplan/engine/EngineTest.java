package io.perfplan.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.perfplan.plan.Expressions;
import io.perfplan.plan.Plan;
import io.perfplan.plan.PlanValidator;
import io.perfplan.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineTest {

    @TempDir
    Path dir;

    private Database db;
    private final ActionRegistry actions = ActionRegistry.withBuiltIns();
    private final Expressions expressions = new Expressions(() -> {
        throw new AssertionError("these plans use plain expressions only");
    });

    @BeforeEach
    void open() {
        db = Database.open(Database.defaultUrl(dir), null, null);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private RunReport run(String yaml) throws Exception {
        return run(yaml, new Cancellation(), Map.of());
    }

    private RunReport run(String yaml, Cancellation cancel, Map<String, String> extraEnv) throws Exception {
        Path file = dir.resolve("plan.yaml");
        Files.writeString(file, yaml);
        Plan plan = new PlanValidator(actions, expressions).loadAndValidate(file);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(extraEnv);
        Engine engine = new Engine(actions, db.runs(), expressions);
        return engine.run(plan, Engine.resolveParams(plan, Map.of()),
                new Engine.RunOptions("test", RunListener.NONE, cancel, env));
    }

    private static Map<String, Status> statuses(RunReport r) {
        Map<String, Status> m = new java.util.LinkedHashMap<>();
        r.steps().forEach(s -> m.put(s.stepId(), s.status()));
        return m;
    }

    @Test
    void runsStepsInOrderAndPassesOutputsOn() throws Exception {
        RunReport r = run("""
                plan: p
                params: {who: {default: world}}
                vars: {greeting: "hello ${params.who}"}
                steps:
                  - id: a
                    action: exec
                    with: {command: [echo, "${vars.greeting}"]}
                    outputs: {said: "${outputs.stdout}"}
                  - id: b
                    action: exec
                    with: {command: [test, "${steps.a.outputs.said}", "=", "hello world\\n"]}
                """);
        assertThat(r.status()).as(r.toString()).isEqualTo(Status.PASSED);
        assertThat(r.steps().get(0).outputs()).containsEntry("stdout", "hello world\n");
        assertThat(db.runs().metrics(r.runId())).extracting(x -> x.stepId() + "." + x.name()).contains("a.wall", "b.wall");
    }

    @Test
    void conditionsSkipAndFinallyAlwaysRuns() throws Exception {
        RunReport r = run("""
                plan: p
                steps:
                  - id: ok
                    action: exec
                    with: {command: ["true"]}
                  - id: gate
                    action: exec
                    continue_on_error: true
                    with: {command: ["false"]}
                  - id: undo
                    action: exec
                    if: failed('gate')
                    with: {command: ["true"]}
                  - id: after
                    action: exec
                    with: {command: ["true"]}
                  - id: never
                    action: exec
                    if: passed('gate')
                    with: {command: ["true"]}
                  - id: boom
                    action: exec
                    with: {command: ["false"]}
                  - id: skipped
                    action: exec
                    with: {command: ["true"]}
                  - id: on-failure
                    action: exec
                    if: ${failure()}
                    with: {command: ["true"]}
                finally:
                  - id: cleanup
                    action: exec
                    with: {command: ["true"]}
                """);
        assertThat(statuses(r)).containsExactly(
                Map.entry("ok", Status.PASSED), Map.entry("gate", Status.FAILED), Map.entry("undo", Status.PASSED),
                Map.entry("after", Status.PASSED), Map.entry("never", Status.SKIPPED), Map.entry("boom", Status.FAILED),
                Map.entry("skipped", Status.SKIPPED), Map.entry("on-failure", Status.PASSED), Map.entry("cleanup", Status.PASSED));
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.error()).isEqualTo("step 'boom' failed: the command exited with 1 (expected 0)");
        assertThat(db.runs().run(r.runId()).orElseThrow().status()).isEqualTo("failed");
    }

    @Test
    void retriesStoreEveryAttemptAndStopWhenUntilHolds() throws Exception {
        Path counter = dir.resolve("count");
        RunReport r = run("""
                plan: p
                steps:
                  - id: flaky
                    action: exec
                    retry: {attempts: 5, delay: 10ms, backoff: 2}
                    with: {command: "echo x >> COUNT; test $(wc -l < COUNT) -ge 3", shell: true}
                  - id: until
                    action: exec
                    retry: {attempts: 4, delay: 10ms, until: "${outputs.stdout}"}
                    with: {command: "echo y >> COUNT2; test $(wc -l < COUNT2) -ge 2 && echo ok; true", shell: true}
                """.replace("COUNT2", dir.resolve("count2").toString()).replace("COUNT", counter.toString()));
        assertThat(r.status()).isEqualTo(Status.PASSED);
        assertThat(statuses(r).get("flaky")).isEqualTo(Status.PASSED);
        assertThat(r.steps().get(1).attempts()).isEqualTo(2);
        assertThat(r.steps().get(0).attempts()).isEqualTo(3);
        assertThat(db.runs().steps(r.runId())).filteredOn(s -> s.stepId().equals("flaky"))
                .extracting(s -> s.attempt() + ":" + s.status()).containsExactly("1:failed", "2:failed", "3:passed");
        // the last attempt's metrics replace the earlier ones
        assertThat(db.runs().metrics(r.runId())).filteredOn(m -> m.stepId().equals("flaky"))
                .extracting(m -> m.name()).containsExactlyInAnyOrder("wall", "cpu");
    }

    @Test
    void stepTimeoutKillsTheProcessTree() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        long t0 = System.nanoTime();
        RunReport r = run("""
                plan: p
                steps:
                  - id: slow
                    action: exec
                    timeout: 500ms
                    with: {command: "sleep 30 & echo $! > PIDFILE; wait", shell: true}
                """.replace("PIDFILE", pidFile.toString()));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.steps().get(0).message()).isEqualTo("timed out after 500ms");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        awaitDead(pid);
    }

    @Test
    void parallelStepsRunTogether() throws Exception {
        long t0 = System.nanoTime();
        RunReport r = run("""
                plan: p
                steps:
                  - parallel:
                      - id: a
                        action: exec
                        with: {command: [sleep, "1"]}
                      - id: b
                        action: exec
                        with: {command: [sleep, "1"]}
                      - id: c
                        action: exec
                        with: {command: [sleep, "1"]}
                  - id: d
                    action: exec
                    with: {command: ["true"]}
                """);
        assertThat(r.status()).isEqualTo(Status.PASSED);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2800));
        assertThat(statuses(r).keySet()).containsExactlyInAnyOrder("a", "b", "c", "d");
    }

    @Test
    void cancellingEndsChildrenRunsFinallyAndRecordsCancelled() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        Cancellation cancel = new Cancellation();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        timer.schedule(() -> cancel.cancel("cancelled by test"), 700, TimeUnit.MILLISECONDS);
        RunReport r = run("""
                plan: p
                steps:
                  - id: long
                    action: exec
                    with: {command: "sleep 60 & echo $! > PIDFILE; wait", shell: true}
                  - id: next
                    action: exec
                    with: {command: ["true"]}
                finally:
                  - id: cleanup
                    action: exec
                    with: {command: ["true"]}
                """.replace("PIDFILE", pidFile.toString()), cancel, Map.of());
        timer.shutdown();
        assertThat(r.status()).isEqualTo(Status.CANCELLED);
        assertThat(statuses(r)).containsEntry("long", Status.CANCELLED).containsEntry("next", Status.SKIPPED)
                .containsEntry("cleanup", Status.PASSED);
        assertThat(db.runs().run(r.runId()).orElseThrow().status()).isEqualTo("cancelled");
        awaitDead(Long.parseLong(Files.readString(pidFile).trim()));
    }

    @Test
    void planTimeoutFailsTheRun() throws Exception {
        RunReport r = run("""
                plan: p
                timeout: 600ms
                steps:
                  - id: long
                    action: exec
                    with: {command: [sleep, "30"]}
                finally:
                  - id: cleanup
                    action: exec
                    with: {command: ["true"]}
                """);
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.error()).contains("timeout of 600ms");
        assertThat(statuses(r)).containsEntry("cleanup", Status.PASSED);
    }

    @Test
    void secretsAreMaskedInOutputsErrorsAndTheDatabase() throws Exception {
        String secret = "s3cr3t-Value-42";
        RunReport r = run("""
                plan: p
                secrets: [API_TOKEN]
                steps:
                  - id: leak
                    action: exec
                    with: {command: "echo token=$API_TOKEN; echo $API_TOKEN >&2; exit 3", shell: true}
                  - id: leak2
                    action: exec
                    if: always()
                    with: {command: [echo, "${secrets.API_TOKEN}"]}
                """, new Cancellation(), Map.of("API_TOKEN", secret));
        assertThat(r.steps().get(0).outputs().get("stdout")).isEqualTo("token=***\n");
        assertThat(r.steps().get(0).message()).contains("***").doesNotContain(secret);
        assertThat(r.steps().get(1).outputs().get("stdout")).isEqualTo("***\n");
        try (Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SCRIPT NOPASSWORDS")) {
            StringBuilder dump = new StringBuilder();
            while (rs.next()) {
                dump.append(rs.getString(1)).append('\n');
            }
            assertThat(dump).contains("token=***").doesNotContain(secret);
        }
    }

    @Test
    void runsLeftRunningByADeadProcessBecomeInterrupted() throws Exception {
        Process p = new ProcessBuilder("sleep", "0").start();
        p.waitFor();
        long id = db.runs().startRun("p", "test", "{}", null);
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE runs SET pid = " + p.pid() + ", pid_started = 1 WHERE id = " + id);
        }
        long live = db.runs().startRun("q", "test", "{}", null);
        assertThat(db.runs().markInterrupted()).isEqualTo(1);
        assertThat(db.runs().run(id).orElseThrow().status()).isEqualTo("interrupted");
        assertThat(db.runs().run(live).orElseThrow().status()).isEqualTo("running");
    }

    private static void awaitDead(long pid) throws InterruptedException {
        for (int i = 0; i < 100 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(50);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("child %d still alive", pid).isFalse();
    }

    @SuppressWarnings("unused")
    private static List<String> lines(String s) {
        return s.lines().toList();
    }
}
