package io.perfplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of perfplan in the middle of long steps (a loadtest, profiles, an exec, a deploy
 * command, a deploy's health wait): the next command opens the database, marks the run
 * {@code interrupted}, keeps the finished first step with its metrics, and no child process is left
 * running — except a deployed service, which is meant to outlive perfplan and stays on record so a
 * later deploy or stop ends it. A second test kills runs again and again mid-write and checks that
 * nothing recorded is lost. Each command after a kill waits about 3 s for H2 to see that the dead
 * process's lock file is stale, which is most of this class's run time.
 */
class CrashSafetyTest {

    /** Bounds a wait for something that normally takes a second or two; only a hang reaches it. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** The fork reporter or guard ends the command's group at once with TERM, and with KILL two seconds later. */
    private static final Duration CHILDREN_GONE_WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** A number no other process on the machine has on its command line: sleep's seconds, e.g. 300.417902113. */
    private final String marker = "300." + String.format("%09d", Math.floorMod(System.nanoTime(), 1_000_000_000L));
    private final List<Process> started = new ArrayList<>();
    private HttpServer server;

    @AfterEach
    void cleanUp() {
        started.forEach(Process::destroyForcibly);
        withMarker().forEach(ProcessHandle::destroyForcibly);
        if (server != null) {
            server.stop(0);
        }
    }

    /**
     * One run with every kind of child at once, in a parallel group, so one kill covers them all: a
     * loadtest, a profile of a command, a profile of a shell line whose children ignore SIGTERM, an
     * exec of a shell line with background children, and a deploy command.
     */
    @Test
    void killedDuringALoadtestProfilesExecAndADeployCommandLeavesNoChildRunning() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        Process perfplan = run("""
                  - parallel:
                      - id: load
                        action: loadtest
                        with: {url: "http://127.0.0.1:%d/", rate: 50, duration: 120s, connections: 2}
                      - id: profile
                        action: profile
                        with: {command: [sleep, "%s1"], runs: 2, warmup: 0}
                      - id: profile-shell
                        action: profile
                        with: {command: "trap '' TERM; sleep %s2 & sleep %s2; wait", shell: true, runs: 2, warmup: 0}
                      - id: exec
                        action: exec
                        with: {command: "sleep %s3 & sleep %s3; echo done", shell: true}
                      - id: deploy-command
                        action: deploy
                        with: {service: crashcmd, version: "1.0", command: [sh, -c, "sleep %s4 & sleep %s4; wait"]}
                """.formatted(server.getAddress().getPort(), marker, marker, marker, marker, marker, marker, marker));
        // each fork reporter or guard carries its command's marker too: 2 for the profiled sleep, 4 for a profiled or
        // deployed shell line; exec spawns its command directly (its guard is one per JVM, without markers): 3
        await("the load is sent and every command runs", () -> requests.get() >= 20 && withMarker(marker + "1").size() >= 2
                && withMarker(marker + "2").size() >= 4 && withMarker(marker + "3").size() >= 3
                && withMarker(marker + "4").size() >= 4, perfplan);

        crash(perfplan);
        // a deploy command (kubectl, helm) left running would race the next deploy: it ends as a Ctrl-C would end it
        assertChildrenGone();
        int requestsAtCrash = requests.get();
        JsonNode run = assertRunInterrupted();
        for (String step : List.of("load", "profile", "profile-shell", "exec", "deploy-command")) {
            assertThat(statusOf(run, step)).as(step).isEqualTo("interrupted");
        }
        assertThat(requests.get()).as("no load is sent after the crash").isLessThanOrEqualTo(requestsAtCrash + 2);
    }

    @Test
    void killedDuringADeployLeavesTheServiceRunningAndOnRecord() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        // the health check never passes (nothing listens), so perfplan is killed in the deploy's health wait
        Process perfplan = run("""
                  - id: long
                    action: deploy
                    with:
                      service: crashsvc
                      version: "1.0"
                      start: [sleep, "%s"]
                      health: {tcp: "127.0.0.1:%d", timeout: 120s, interval: 100ms}
                """.formatted(marker, closedPort));
        await("the deploy waits for health", () -> output().contains("waiting up to"), perfplan);
        List<ProcessHandle> service = withMarker();
        assertThat(service).as("the service process").hasSize(1);

        crash(perfplan);
        JsonNode run = assertRunInterrupted();
        assertThat(statusOf(run, "long")).isEqualTo("interrupted");
        Thread.sleep(1000);
        assertThat(service.get(0).isAlive()).as("the deployed service outlives perfplan").isTrue();

        Result deployments = perfplan("deployments", "--json");
        assertThat(deployments.exit()).as(deployments.err()).isZero();
        JsonNode d = new ObjectMapper().readTree(deployments.out()).get(0);
        assertThat(d.get("service").asText()).isEqualTo("crashsvc");
        assertThat(d.get("status").asText()).isEqualTo("deploying");
        assertThat(d.get("details").get("pid").asLong()).as("the running service is on record").isEqualTo(service.get(0).pid());

        // the record is enough for perfplan to end it later: the stale deploy lock is taken over and the pid stopped
        Files.writeString(dir.resolve("plans/stop.yaml"), """
                plan: stop
                steps:
                  - id: stop
                    action: deploy
                    with: {service: crashsvc, stop: true}
                """);
        Result stop = perfplan("run", "plans/stop.yaml");
        assertThat(stop.exit()).as(stop.out() + stop.err()).isZero();
        assertThat(stop.out()).contains("stopped crashsvc 1.0");
        assertThat(service.get(0).isAlive()).as("deploy stop ended the recorded service").isFalse();
    }

    /**
     * Kills runs again and again at random moments, many of them while a step's metrics and samples
     * are being written: every run and step the database held before stays as it was, and everything
     * the killed perfplan had printed as recorded (a run's start, a passed step) is there. The moment
     * is found from perfplan's output (a step's start, or the profile's last run, whose 40 samples are
     * written next) plus a random few milliseconds, so it does not depend on the machine's speed.
     * -Dperfplan.crashIterations=N runs a longer soak; -Dperfplan.crashSeed=S repeats one.
     */
    @Test
    void killingRunsAgainAndAgainLosesNothingThatWasRecorded() throws Exception {
        int iterations = Integer.getInteger("perfplan.crashIterations", 8);
        long seed = Long.getLong("perfplan.crashSeed", System.nanoTime());
        java.util.Random random = new java.util.Random(seed);
        StringBuilder steps = new StringBuilder("""
                  - id: samples
                    action: profile
                    with: {command: ["true"], runs: 40, warmup: 0}
                """);
        int execSteps = 12;
        for (int i = 1; i <= execSteps; i++) {
            steps.append("  - id: e").append(i).append("\n    action: exec\n    with: {command: [\"true\"]}\n");
        }
        // the run never ends by itself: every iteration is a kill
        steps.append("  - id: last\n    action: exec\n    with: {command: [sleep, \"").append(marker).append("\"]}\n");
        Map<Long, String> before = Map.of();
        for (int i = 0; i < iterations; i++) {
            int k = random.nextInt(execSteps + 2);
            String trigger = k == 0 ? "run 40:" : k > execSteps ? "> last" : "> e" + k + " ";
            long jitterMillis = random.nextInt(25);
            Process perfplan = run(steps.toString());
            await("perfplan printed '" + trigger + "'", () -> output().contains(trigger), perfplan, 2);
            Thread.sleep(jitterMillis);
            crash(perfplan);
            String printed = output();

            Map<Long, String> now = snapshot();
            String context = "iteration " + i + " (seed " + seed + ", killed " + jitterMillis + " ms after '" + trigger
                    + "'); the killed perfplan printed:\n" + printed;
            assertThat(now).as(context).containsAllEntriesOf(before);
            java.util.regex.Matcher run = java.util.regex.Pattern.compile("run (\\d+) of plan crash").matcher(printed);
            assertThat(run.find()).as(context).isTrue();
            long id = Long.parseLong(run.group(1));
            assertThat(now).as(context).containsKey(id);
            assertThat(now.get(id)).as(context).startsWith("interrupted");
            java.util.regex.Matcher ok = java.util.regex.Pattern.compile("(?m)^  ok (\\S+) ").matcher(printed);
            while (ok.find()) {
                assertThat(now.get(id)).as("step %s, printed as passed, is recorded with its metrics; %s", ok.group(1), context)
                        .containsPattern(" " + ok.group(1) + "=passed\\([1-9]");
            }
            // a step's result is written in one transaction: all of it, or the step is interrupted with nothing
            for (String step : now.get(id).substring("interrupted".length()).trim().split(" +")) {
                assertThat(step).as(context).matches("|\\S+=(passed\\([1-9]\\d*,\\d+\\)|interrupted\\(0,0\\))");
            }
            if (now.get(id).contains(" samples=passed")) {
                assertThat(now.get(id)).as("the profile's samples; %s", context).containsPattern(" samples=passed\\(\\d+,[1-9]");
            }
            before = now;
        }
        assertThat(before).as("every iteration left its run").hasSize(iterations);
        assertChildrenGone();
    }

    /** Each run as "status step=status(metrics,samples) ...", read in this JVM once no perfplan runs (opening marks dead runs). */
    private Map<Long, String> snapshot() throws Exception {
        Map<Long, String> runs = new java.util.TreeMap<>();
        try (io.perfplan.store.Database db = io.perfplan.store.Database.open(io.perfplan.store.Database.defaultUrl(dir), null, null);
             java.sql.Connection c = db.connection();
             java.sql.ResultSet rs = c.createStatement().executeQuery("""
                     SELECT r.id, r.status, s.step_id, s.status,
                            (SELECT COUNT(*) FROM metrics m WHERE m.run_id = r.id AND m.step_id = s.step_id),
                            (SELECT COUNT(*) FROM samples x WHERE x.run_id = r.id AND x.step_id = s.step_id)
                     FROM runs r LEFT JOIN step_runs s ON s.run_id = r.id ORDER BY r.id, s.id""")) {
            while (rs.next()) {
                String step = rs.getString(3) == null ? "" : " " + rs.getString(3) + "=" + rs.getString(4) + "(" + rs.getInt(5) + "," + rs.getInt(6) + ")";
                runs.merge(rs.getLong(1), rs.getString(2) + step, (a, b) -> a + b.substring(b.indexOf(' ')));
            }
        }
        return runs;
    }

    // --- helpers ---

    record Result(int exit, String out, String err) {}

    /** Starts `perfplan run` of a plan whose step `first` (exec) finishes and whose step `long` is given. */
    private Process run(String longStep) throws Exception {
        Files.createDirectories(dir.resolve("plans"));
        Files.writeString(dir.resolve("plans/crash.yaml"), """
                plan: crash
                steps:
                  - id: first
                    action: exec
                    with: {command: [echo, hi]}
                """ + longStep);
        ProcessBuilder pb = new ProcessBuilder(java("run", "plans/crash.yaml")).directory(dir.toFile());
        pb.environment().remove("PERFPLAN_DB");
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("run.txt").toFile());
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private Result perfplan(String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(java(args)).directory(dir.toFile());
        pb.environment().remove("PERFPLAN_DB");
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        started.add(p);
        assertThat(p.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("perfplan %s finished", List.of(args)).isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static List<String> java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private String output() {
        try {
            return Files.readString(dir.resolve("run.txt"));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private void await(String what, BooleanSupplier condition, Process perfplan) throws InterruptedException {
        await(what, condition, perfplan, 50);
    }

    private void await(String what, BooleanSupplier condition, Process perfplan, long pollMillis) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(perfplan.isAlive()).as("perfplan still runs while waiting until %s; it printed:%n%s", what, output()).isTrue();
            assertThat(System.nanoTime() < deadline).as("%s within %s; perfplan printed:%n%s", what, PATIENCE, output()).isTrue();
            Thread.sleep(pollMillis);
        }
    }

    /** SIGKILL: no shutdown hook, no finally block, no database close. */
    private static void crash(Process perfplan) throws InterruptedException {
        perfplan.destroyForcibly();
        assertThat(perfplan.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(perfplan.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    }

    /** Live processes whose command line carries this test's marker (a zombie has none). */
    private List<ProcessHandle> withMarker() {
        return withMarker(marker);
    }

    private static List<ProcessHandle> withMarker(String text) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains(text)).orElse(false))
                .toList();
    }

    private void assertChildrenGone() throws InterruptedException {
        long deadline = System.nanoTime() + CHILDREN_GONE_WITHIN.toNanos();
        while (!withMarker().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(withMarker()).as("children of the killed perfplan still running after %s", CHILDREN_GONE_WITHIN)
                .extracting(h -> h.pid() + " " + h.info().commandLine().orElse("?")).isEmpty();
    }

    /** The next command opens the database, marks the run interrupted, and keeps step `first` with its metrics. */
    private JsonNode assertRunInterrupted() throws Exception {
        Result show = perfplan("show", "1", "--json");
        assertThat(show.exit()).as(show.err()).isZero();
        JsonNode run = new ObjectMapper().readTree(show.out());
        assertThat(run.get("status").asText()).isEqualTo("interrupted");
        assertThat(run.get("error").asText()).contains("killed or crashed");
        JsonNode first = run.get("steps").get(0);
        assertThat(first.get("id").asText()).isEqualTo("first");
        assertThat(first.get("status").asText()).isEqualTo("passed");
        assertThat(first.get("outputs").get("stdout").asText()).isEqualTo("hi\n");
        JsonNode wall = run.get("metrics").get("first").get("wall");
        assertThat(wall.get("unit").asText()).isEqualTo("ms");
        assertThat(wall.get("value").asDouble()).isPositive();
        return run;
    }

    private static String statusOf(JsonNode run, String stepId) {
        for (JsonNode step : run.get("steps")) {
            if (step.get("id").asText().equals(stepId)) {
                return step.get("status").asText();
            }
        }
        return "(no step " + stepId + ")";
    }
}
