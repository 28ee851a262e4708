package io.perfplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives perfplan as a real process, the way users and CI scripts do, and checks exit codes and output. */
class CliProcessTest {

    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {}

    private Result perfplan(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().remove("PERFPLAN_DB");
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("perfplan %s finished", List.of(args)).isTrue();
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private Path plan(String name, String yaml) throws Exception {
        Path plans = Files.createDirectories(dir.resolve("plans"));
        Path p = plans.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    @Test
    void passingRunExitsZeroAndIsInTheHistory() throws Exception {
        plan("ok.yaml", """
                plan: ok
                steps:
                  - id: hello
                    action: exec
                    with: {command: [echo, hi]}
                """);
        Result r = perfplan("run", "plans/ok.yaml");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("ok hello").contains("run 1 passed");
        assertThat(Files.exists(dir.resolve("db/perfplan.mv.db"))).isTrue();

        Result history = perfplan("history", "--json");
        assertThat(history.exit()).isZero();
        JsonNode runs = new ObjectMapper().readTree(history.out());
        assertThat(runs.get(0).get("plan").asText()).isEqualTo("ok");
        assertThat(runs.get(0).get("status").asText()).isEqualTo("passed");

        Result show = perfplan("show", "1", "--json");
        JsonNode run = new ObjectMapper().readTree(show.out());
        assertThat(run.get("steps").get(0).get("outputs").get("stdout").asText()).isEqualTo("hi\n");
        assertThat(run.get("metrics").get("hello").get("wall").get("unit").asText()).isEqualTo("ms");
    }

    @Test
    void failingRunExitsOneWithJson() throws Exception {
        plan("bad.yaml", """
                plan: bad
                steps:
                  - id: nope
                    action: exec
                    with: {command: ["false"]}
                """);
        Result r = perfplan("run", "plans/bad.yaml", "--json");
        assertThat(r.exit()).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("status").asText()).isEqualTo("failed");
        assertThat(json.get("steps").get(0).get("message").asText()).isEqualTo("the command exited with 1 (expected 0)");
    }

    @Test
    void invalidPlanExitsTwoWithEveryProblemAndNoStackTrace() throws Exception {
        plan("broken.yaml", """
                plan: broken
                steps:
                  - id: a
                    action: exce
                    with: {command: [true]}
                  - id: b
                    action: exec
                    timeout: forever
                    with: {command: [true]}
                """);
        Result r = perfplan("validate", "plans/broken.yaml");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("plans/broken.yaml:4:13: unknown action 'exce'; did you mean 'exec'?")
                .contains("plans/broken.yaml:8:14: 'forever' is not a duration").doesNotContain("Exception").doesNotContain("\tat ");
        Result run = perfplan("run", "plans/broken.yaml");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("2 problems; the plan was not run.");
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        plan("p.yaml", """
                plan: p
                params: {n: {type: int, default: 1}}
                steps:
                  - id: a
                    action: exec
                    with: {command: [echo, "${params.n}"]}
                """);
        assertThat(perfplan("run", "plans/p.yaml", "-p", "n=abc").err()).contains("parameter 'n': 'abc' must be a whole number");
        assertThat(perfplan("run", "plans/p.yaml", "-p", "m=1").exit()).isEqualTo(2);
        assertThat(perfplan("frobnicate").exit()).isEqualTo(2);
        assertThat(perfplan("run", "plans/missing.yaml").err()).contains("plans/missing.yaml: cannot read the file");
        assertThat(perfplan("show", "42").err()).contains("there is no run 42");
    }

    @Test
    void unusableDatabaseExitsThree() throws Exception {
        plan("p.yaml", """
                plan: p
                steps:
                  - id: a
                    action: exec
                    with: {command: ["true"]}
                """);
        Result r = perfplan("run", "plans/p.yaml", "--db", "jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).startsWith("perfplan: cannot open the database").doesNotContain("\tat ");
    }

    @Test
    void dryRunExecutesNothing() throws Exception {
        Path marker = dir.resolve("marker");
        plan("p.yaml", """
                plan: p
                steps:
                  - id: touch
                    action: exec
                    with: {command: [touch, MARKER]}
                """.replace("MARKER", marker.toString()));
        Result r = perfplan("run", "plans/p.yaml", "--dry-run");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("touch (exec): would run touch " + marker);
        assertThat(Files.exists(marker)).isFalse();
        assertThat(Files.exists(dir.resolve("db"))).isFalse();
    }

    @Test
    void actionsAndSchemaComeFromTheInputsRecords() throws Exception {
        Result a = perfplan("actions", "exec");
        assertThat(a.exit()).isZero();
        assertThat(a.out()).contains("expect_exit").contains("wall");
        JsonNode schema = new ObjectMapper().readTree(perfplan("schema").out());
        assertThat(schema.get("required").toString()).contains("plan", "steps");
        assertThat(schema.at("/$defs/step/properties/action/enum").toString()).contains("exec");
        assertThat(schema.at("/$defs/step/allOf/0/then/properties/with/properties/expect_exit")).isNotNull();
    }

    @Test
    void twoProcessesShareTheEmbeddedDatabase() throws Exception {
        plan("slow.yaml", """
                plan: slow
                steps:
                  - id: wait
                    action: exec
                    with: {command: [sleep, "1"]}
                """);
        List<String> base = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "plans/slow.yaml");
        List<Process> procs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            procs.add(new ProcessBuilder(base).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("out" + i + ".txt").toFile()).start());
        }
        for (int i = 0; i < procs.size(); i++) {
            assertThat(procs.get(i).waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(procs.get(i).exitValue()).as(Files.readString(dir.resolve("out" + i + ".txt"))).isZero();
        }
        JsonNode runs = new ObjectMapper().readTree(perfplan("history", "--json").out());
        assertThat(runs).hasSize(3);
        runs.forEach(r -> assertThat(r.get("status").asText()).isEqualTo("passed"));
    }

    @Test
    void sigtermCancelsTheRunKillsChildrenAndRunsFinally() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        Path cleaned = dir.resolve("cleaned");
        plan("long.yaml", """
                plan: long
                steps:
                  - id: wait
                    action: exec
                    with: {command: "sleep 120 & echo $! > PIDFILE; wait", shell: true}
                finally:
                  - id: cleanup
                    action: exec
                    with: {command: [touch, CLEANED]}
                """.replace("PIDFILE", pidFile.toString()).replace("CLEANED", cleaned.toString()));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "plans/long.yaml")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        for (int i = 0; i < 600 && !Files.exists(pidFile) && p.isAlive(); i++) {
            Thread.sleep(50);
        }
        assertThat(pidFile).as("started: %s", Files.readString(dir.resolve("out.txt"))).exists();
        Thread.sleep(200);
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long child = Long.parseLong(Files.readString(pidFile).trim());
        for (int i = 0; i < 100 && ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(50);
        }
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).as("child killed").isFalse();
        assertThat(cleaned).as("finally ran: %s", Files.readString(dir.resolve("out.txt"))).exists();
        JsonNode run = new ObjectMapper().readTree(perfplan("show", "last", "--json").out());
        assertThat(run.get("status").asText()).isEqualTo("cancelled");
        assertThat(run.get("steps").get(0).get("status").asText()).isEqualTo("cancelled");
    }
}
