package io.perfplan.actions.groovy;

import static io.perfplan.actions.groovy.ScriptProject.metric;
import static io.perfplan.actions.groovy.ScriptProject.step;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.perfplan.engine.RunReport;
import io.perfplan.engine.Status;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped scripts/notify.groovy and scripts/trend-guard.groovy, run by the engine against a webhook receiver on 127.0.0.1. */
class ExampleScriptsTest {

    @TempDir
    Path dir;

    private ScriptProject project;
    private HttpServer receiver;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);

    @BeforeEach
    void open() throws Exception {
        project = new ScriptProject(dir);
        for (String name : List.of("notify.groovy", "trend-guard.groovy")) {
            project.script(name, Files.readString(Path.of("scripts", name)));
        }
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            bodies.add(exchange.getRequestHeaders().getFirst("Content-Type") + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] answer = (status.get() == 200 ? "ok" : "no_service").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void close() {
        receiver.stop(0);
        project.close();
    }

    private String hook() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    @Test
    void notifyPostsSlackCompatibleJsonWithSecretsMasked() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("DEPLOY_TOKEN", "tok-12345");
        String plan = """
                plan: notifying
                secrets: [DEPLOY_TOKEN]
                params:
                  hook: {type: string}
                steps:
                  - id: tell
                    action: notify
                    with:
                      url: ${params.hook}
                      text: "run ${run.id} done (token ${secrets.DEPLOY_TOKEN})"
                      channel: "#perf"
                      fields: {p99: "12.5 ms", plan: "${run.plan}"}
                """;
        RunReport r = project.run(plan, Map.of("hook", hook()), env);
        assertThat(r.status()).as(String.valueOf(r.error())).isEqualTo(Status.PASSED);
        assertThat(bodies).hasSize(1);
        assertThat(bodies.get(0)).startsWith("application/json ").doesNotContain("tok-12345");
        JsonNode json = new ObjectMapper().readTree(bodies.get(0).substring("application/json ".length()));
        assertThat(json.get("text").asText()).isEqualTo("run " + r.runId() + " done (token ***)");
        assertThat(json.get("channel").asText()).isEqualTo("#perf");
        JsonNode fields = json.get("attachments").get(0).get("fields");
        assertThat(fields.get(0).get("title").asText()).isEqualTo("p99");
        assertThat(fields.get(0).get("value").asText()).isEqualTo("12.5 ms");
        assertThat(fields.get(1).get("value").asText()).isEqualTo("notifying");
        assertThat(step(r, "tell").outputs()).containsEntry("status", 200);
        assertThat(metric(r, "tell", "latency")).isGreaterThan(0).isLessThan(10_000);

        status.set(503);
        RunReport refused = project.run(plan, Map.of("hook", hook()), env);
        assertThat(refused.status()).isEqualTo(Status.FAILED);
        assertThat(step(refused, "tell").message()).isEqualTo("the webhook answered 503: no_service");
    }

    @Test
    void notifyToANonListeningPortFailsWithTheScriptLine() throws Exception {
        receiver.stop(0);
        RunReport r = project.run("""
                plan: nobody-listens
                steps:
                  - id: tell
                    action: notify
                    with: {url: "%s", text: hi, timeout: 2s}
                """.formatted(hook()));
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(step(r, "tell").message()).matches(".*scripts/notify\\.groovy:\\d+: ConnectException.*");
    }

    @Test
    void trendGuardFailsWhenTheMetricRoseInThreeConsecutiveRuns() throws Exception {
        String plan = """
                plan: creeping
                params:
                  p99: {type: number}
                steps:
                  - id: load
                    action: groovy
                    with:
                      args: {p99: "${params.p99}"}
                      script: ctx.metric('latency.p99', args.p99 as double, 'ms', 'lower')
                  - id: creep
                    action: trend-guard
                    with: {metric: load.latency.p99, runs: 3}
                """;
        double[] p99s = {10, 11, 12};
        for (double v : p99s) {
            RunReport r = project.run(plan, Map.of("p99", String.valueOf(v)), System.getenv());
            assertThat(r.status()).as("p99 %s", v).isEqualTo(Status.PASSED);
        }
        RunReport third = project.run(plan, Map.of("p99", "13"), System.getenv());
        assertThat(third.status()).isEqualTo(Status.FAILED);
        assertThat(step(third, "creep").message()).isEqualTo("load.latency.p99 rose in 3 consecutive runs: 10.00 -> 11.00 -> 12.00 -> 13.00");
        assertThat(metric(third, "creep", "rises")).isEqualTo(3.0);

        RunReport better = project.run(plan, Map.of("p99", "9"), System.getenv());
        assertThat(better.status()).isEqualTo(Status.PASSED);
        assertThat(step(better, "creep").outputs().get("series")).isEqualTo(List.of(11.0, 12.0, 13.0, 9.0));
        assertThat(metric(better, "creep", "rises")).isEqualTo(0.0);
    }

    @Test
    void trendGuardSaysWhenThisRunHasNoValue() throws Exception {
        RunReport r = project.run("""
                plan: no-load
                steps:
                  - id: creep
                    action: trend-guard
                """);
        assertThat(step(r, "creep").message())
                .isEqualTo("this run has no value of load.latency.p99; run the step that reports it before this one");
    }
}
