package io.perfplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.perfplan.core.deploy.ServiceProcess;
import io.perfplan.store.Database;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * plans/quickstart.yaml end to end through {@link Main#execute}: deploy 1.0, gate it, deploy the slower
 * 2.0, the gate catches it, roll back, stop — and `perfplan deployments` tells that story. Shorter
 * load tests and a free port keep it quick and out of the way of a quickstart someone else runs.
 */
class QuickstartTest {

    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {}

    private Result cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.execute(Stream.concat(Arrays.stream(args), Stream.of("--db", Database.defaultUrl(dir))).toArray(String[]::new));
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @AfterEach
    void endServices() {
        Result r = cli("deployments", "--json", "--limit", "100");
        try {
            for (JsonNode d : new ObjectMapper().readTree(r.out())) {
                JsonNode pid = d.get("details").get("pid");
                if (pid != null && pid.isNumber()) {
                    new ServiceProcess(pid.asLong(), d.get("details").path("pid_started").asLong(0), dir.resolve("x.log"))
                            .stop(Duration.ofSeconds(2));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(r.out() + r.err(), e);
        }
    }

    @Test
    void theQuickstartStoryRunsAndEndsPassed() throws Exception {
        Files.createDirectories(dir.resolve("plans"));
        Path plan = Files.copy(Path.of("plans/quickstart.yaml"), dir.resolve("plans/quickstart.yaml"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Result r = cli("run", plan.toString(), "-p", "port=" + port, "-p", "duration=1s", "-p", "rate=100",
                "-p", "slowdown=60ms"); // far beyond 1.5 x 1.0's median + 5 ms even on a busy machine
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("ok deploy_v1").contains("demo-service 1.0 is deployed and healthy")
                .contains("ok gate_v1").contains("ok deploy_v2")
                .containsPattern("!! gate_v2 +failed .*\\(continue_on_error\\) +1 of 2 checks failed, first load_v2.latency.p50 < ")
                .contains("ok rollback").contains("demo-service 2.0 rolled back to 1.0, which is healthy")
                .contains("ok check_v1").contains("ok stop").contains("stopped demo-service 1.0")
                .contains("run 1 passed");

        Result table = cli("deployments", "--service", "demo-service");
        assertThat(table.exit()).isZero();
        List<String> lines = new ArrayList<>(table.out().lines().toList());
        assertThat(lines.get(0)).matches("ID +SERVICE +ENVIRONMENT +VERSION +STATUS +RUN +STARTED +TOOK +NOTE");
        assertThat(lines.get(1)).matches("3 +demo-service +default +1\\.0 +stopped +1 .*rollback of 2: the gate caught a latency regression in 2\\.0");
        assertThat(lines.get(2)).matches("2 +demo-service +default +2\\.0 +rolled_back +1 .*rolled back by 3: the gate caught a latency regression in 2\\.0");
        assertThat(lines.get(3)).matches("1 +demo-service +default +1\\.0 +superseded +1 .*");
        assertThat(Files.readString(dir.resolve("logs/demo-service-2.0.log"))).contains("demo-service 2.0 listening");
        try (ServerSocket again = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).as("the service was stopped, its port is free").isEqualTo(port);
        }
    }

    @Test
    void deploymentsListsNothingClearlyAndRejectsABadLimit() {
        Result empty = cli("deployments");
        assertThat(empty.exit()).isZero();
        assertThat(empty.out()).startsWith("no deployments yet");
        Result json = cli("deployments", "--json");
        assertThat(json.out().replaceAll("\\s", "")).isEqualTo("[]");
        Result bad = cli("deployments", "--limit", "0");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--limit must be at least 1");
    }
}
