package io.perfplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.perfplan.core.deploy.ServiceProcess;
import io.perfplan.store.Database;
import io.perfplan.store.DeploymentRepository;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployed service is not a child to clean up: a Ctrl-C (SIGINT to perfplan's whole process group)
 * cancels the run but leaves the service it deployed running, because it runs in its own session.
 */
class DeployedServiceSurvivesCancelTest {

    @TempDir
    Path dir;

    private final List<Long> started = new ArrayList<>();

    @AfterEach
    void endServices() {
        try (Database db = Database.open(Database.defaultUrl(dir), null, null)) {
            for (DeploymentRepository.DeploymentRow d : db.runs().deployments().list(null, null, 100)) {
                try {
                    JsonNode details = new ObjectMapper().readTree(d.details());
                    if (details.path("pid").isNumber()) {
                        new ServiceProcess(details.get("pid").asLong(), details.path("pid_started").asLong(0), dir.resolve("x.log"))
                                .stop(Duration.ofSeconds(2));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    @Test
    void ctrlCCancelsTheRunButNotTheDeployedService() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path plans = Files.createDirectories(dir.resolve("plans"));
        Files.writeString(plans.resolve("p.yaml"), """
                plan: p
                steps:
                  - id: deploy
                    action: deploy
                    with:
                      service: demo
                      version: "1.0"
                      start: [sh, -c, "exec $PERFPLAN_CMD demo-service --port %d --version 1.0"]
                      health: {http: "http://127.0.0.1:%d/health", timeout: 30s, interval: 100ms}
                  - id: wait
                    action: exec
                    with: {command: [sleep, "60"]}
                """.formatted(port, port));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // setsid: perfplan leads its own process group, as a shell's foreground job does
        ProcessBuilder pb = new ProcessBuilder("setsid", java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "run", "plans/p.yaml").directory(dir.toFile());
        pb.environment().remove("PERFPLAN_DB");
        Path out = dir.resolve("out.txt");
        pb.redirectErrorStream(true).redirectOutput(out.toFile());
        Process perfplan = pb.start();
        started.add(perfplan.pid());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (!Files.readString(out).contains("> wait") && perfplan.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(Files.readString(out)).as("the deploy step passed").contains("ok deploy").contains("> wait");

        Process kill = new ProcessBuilder("kill", "-INT", "--", "-" + perfplan.pid()).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(perfplan.waitFor(30, TimeUnit.SECONDS)).as("perfplan ended after the Ctrl-C").isTrue();
        assertThat(Files.readString(out)).as("the run was cancelled and recorded").contains("cancelled");

        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.body()).as("the deployed service still serves").contains("version=1.0");
    }
}
